#!/usr/bin/env bash
# Installs what the real-JupyterHub test harness needs. Idempotent: safe to run again, fast when done.
#   - The project's npm packages, when node_modules is missing or stale.
#   - Debian packages: python3-venv, and JupyterHub 3.0 (flavour "debian3") with its proxy.
#   - A venv with pinned JupyterHub 5 (flavour "pypi") at $HUB_VENV, readable by the test users.
#   - Unix users alice, bob, carol (group team) and dave (not in team), random passwords in users.json.
#   - Sample notebooks in each home, copied only when absent so a user's edits survive.
#   - Through test/e2e/setup.sh: Chromium and code-server for the end-to-end harness.
# Must run as root (it creates users and writes /opt and /var/lib).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
HUB_VENV="${HUB_VENV:-/opt/hub-notebooks/venv-jh5}"
SANDBOX_DIR="${HUB_SANDBOX_DIR:-/var/lib/hub-notebooks-sandbox}"
USERS_FILE="$SANDBOX_DIR/users.json"
TEAM_USERS=(alice bob carol)
ALL_USERS=(alice bob carol dave)
APT_PACKAGES=(python3-venv jupyterhub python3-jupyter-server)

log() { printf '[hub-setup] %s\n' "$*"; }

require_root() {
  if [[ "$(id -u)" != 0 ]]; then
    echo "test/hub/setup.sh must run as root (creates unix users, writes /opt and /var/lib)" >&2
    exit 1
  fi
}

install_apt_packages() {
  local missing=() installable=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    # dpkg -s succeeds for removed-but-configured packages too, so check the status line.
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
      missing+=("$pkg")
    fi
  done
  if ((${#missing[@]} == 0)); then
    return
  fi
  apt-get update -qq
  for pkg in "${missing[@]}"; do
    if apt-cache policy "$pkg" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
      installable+=("$pkg")
    elif [[ "$pkg" == python3-venv ]]; then
      echo "apt has no python3-venv: cannot build the hub's venv" >&2
      exit 1
    else
      # JupyterHub 3.0 comes from Debian 12; elsewhere only the pypi flavour can run.
      log "WARNING: apt has no $pkg here: the debian3 flavour will not be available"
    fi
  done
  if ((${#installable[@]} > 0)); then
    log "apt: installing ${installable[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${installable[@]}" >/dev/null
  fi
}

# A newcomer runs only `npm start` or `npm test`: install the npm packages when they are missing or older
# than the lockfile (CI has just run `npm ci`, so this is a no-op there).
ensure_node_modules() {
  local repo stamp
  repo="$(cd "$HERE/../.." && pwd)"
  stamp="$repo/node_modules/.package-lock.json"
  if [[ -f "$stamp" && ! "$repo/package-lock.json" -nt "$stamp" ]]; then
    return
  fi
  log "npm: installing the project's packages (npm ci)"
  # Native addons must build against the local Node headers; node-gyp cannot download them here.
  (cd "$repo" && npm_config_nodedir="${npm_config_nodedir:-/usr}" npm ci --no-audit --no-fund)
}

install_venv() {
  local req="$HERE/requirements-jh5.txt" stamp="$HUB_VENV/.requirements.sha256" want
  want="$(cat "$req" "$HERE/constraints-jh5.txt" | sha256sum | cut -d' ' -f1)"
  if [[ -x "$HUB_VENV/bin/jupyterhub" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    return
  fi
  log "venv: installing $(grep -v -e '^#' -e '^-' "$req" | tr '\n' ' ')into $HUB_VENV"
  mkdir -p "$(dirname "$HUB_VENV")"
  # Debian's python, not pyenv's: pyenv lives under /root (mode 700), which spawned users cannot enter.
  if [[ ! -x "$HUB_VENV/bin/python" ]]; then
    /usr/bin/python3 -m venv "$HUB_VENV"
  fi
  # This machine's pip.conf names local indexes that may be empty: drop pip's warnings about them.
  { "$HUB_VENV/bin/pip" install --quiet --disable-pip-version-check -r "$req" 2>&1 1>&3 |
    { grep -v "^WARNING: Location 'file://" || true; } >&2; } 3>&1
  echo "$want" >"$stamp"
  # The single-user servers run as the test users and execute this venv.
  chmod -R a+rX "$(dirname "$HUB_VENV")"
}

ensure_users() {
  getent group team >/dev/null || groupadd team
  local u
  for u in "${ALL_USERS[@]}"; do
    id -u "$u" >/dev/null 2>&1 || useradd --create-home --home-dir "/home/$u" --user-group --shell /bin/bash "$u"
  done
  for u in "${TEAM_USERS[@]}"; do
    id -nG "$u" | tr ' ' '\n' | grep -qx team || usermod -aG team "$u"
  done
  # dave must stay outside the team, whatever happened to this machine before.
  if id -nG dave | tr ' ' '\n' | grep -qx team; then gpasswd -d dave team >/dev/null; fi
  for u in "${TEAM_USERS[@]}"; do
    chown "$u:team" "/home/$u"
    chmod 2750 "/home/$u"
  done
  chown dave:dave /home/dave
  chmod 2750 /home/dave
}

ensure_passwords() {
  mkdir -p "$SANDBOX_DIR"
  chmod 700 "$SANDBOX_DIR"
  if [[ ! -s "$USERS_FILE" ]]; then
    log "users: generating passwords in $USERS_FILE"
    (umask 077 && /usr/bin/python3 - "$USERS_FILE" "${ALL_USERS[@]}" <<'PY'
import json, secrets, sys
path, users = sys.argv[1], sys.argv[2:]
with open(path, 'w') as f:
    json.dump({u: secrets.token_urlsafe(12) for u in users}, f, indent=2)
    f.write('\n')
PY
    )
  fi
  chmod 600 "$USERS_FILE"
  chown root:root "$USERS_FILE"
  # Set them every run: cheap, and it repairs users recreated since the file was written.
  /usr/bin/python3 -c 'import json,sys; [print(f"{u}:{p}") for u, p in json.load(open(sys.argv[1])).items()]' \
    "$USERS_FILE" | chpasswd
}

copy_notebooks() {
  local u group src dest
  for u in "${ALL_USERS[@]}"; do
    group=team
    [[ "$u" == dave ]] && group=dave
    for src in "$HERE"/notebooks/*.ipynb; do
      dest="/home/$u/$(basename "$src")"
      [[ -e "$dest" ]] && continue
      sed "s/{{USER}}/$u/g" "$src" >"$dest"
      chown "$u:$group" "$dest"
      chmod 640 "$dest"
    done
  done
}

main() {
  require_root
  ensure_node_modules
  install_apt_packages
  install_venv
  ensure_users
  ensure_passwords
  copy_notebooks
  # The end-to-end harness's tools (Chromium, code-server) have their own script, which also runs alone.
  bash "$HERE/../e2e/setup.sh"
  # Versions from package metadata: `jupyterhub --version` imports the whole hub (over a second each).
  local pypi debian
  pypi="$("$HUB_VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("jupyterhub"))')"
  debian="$(dpkg-query -W -f='${Version}' jupyterhub 2>/dev/null || echo unavailable)"
  log "ready: pypi flavour JupyterHub $pypi in $HUB_VENV, debian3 flavour JupyterHub $debian"
}

main "$@"
