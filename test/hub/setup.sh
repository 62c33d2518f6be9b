#!/usr/bin/env bash
# Installs what the real-JupyterHub test harness needs. Idempotent: safe to run again, fast when done.
#   - The project's npm packages, when node_modules is missing or stale.
#   - Debian packages: python3-venv, and JupyterHub 3.0 (flavour "debian3") with its proxy, pandas and
#     matplotlib. Under CI=true a flavour that cannot be installed is an error; elsewhere a warning.
#   - A venv with pinned JupyterHub 5 (flavour "pypi") at $HUB_VENV, readable by the test users.
#   - A venv with the pinned test oracles (schemathesis) at $TOOLS_VENV.
#   - Unix users alice, bob, carol (group team) and dave (not in team), random passwords in users.json.
#   - Sample notebooks in each home, copied when absent or an unedited earlier release, so edits survive.
#   - Through test/e2e/setup.sh: Chromium and code-server for the end-to-end harness.
# Must run as root (it creates users and writes /opt and /var/lib).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
HUB_VENV="${HUB_VENV:-/opt/hub-notebooks/venv-jh5}"
# The test oracles (schemathesis) in a venv of their own, so their dependencies never meet the hub's.
TOOLS_VENV="${HUB_TOOLS_VENV:-/opt/hub-notebooks/venv-tools}"
SANDBOX_DIR="${HUB_SANDBOX_DIR:-/var/lib/hub-notebooks-sandbox}"
USERS_FILE="$SANDBOX_DIR/users.json"
# Where copy_notebooks finds the homes; only tests point it elsewhere.
HOMES_DIR="${HUB_HOMES_DIR:-/home}"
TEAM_USERS=(alice bob carol)
ALL_USERS=(alice bob carol dave)
# The debian3 flavour's kernels run Debian's python3, so they get a data team's pandas and matplotlib from
# apt too (the sample welcome.ipynb draws a chart with them).
APT_PACKAGES=(python3-venv jupyterhub python3-jupyter-server python3-pandas python3-matplotlib)

log() { printf '[hub-setup] %s\n' "$*"; }

require_root() {
  if [[ "$(id -u)" != 0 ]]; then
    echo "test/hub/setup.sh must run as root (creates unix users, writes /opt and /var/lib)" >&2
    exit 1
  fi
}

# Each check below captures a command's whole output before looking at it. Under pipefail, `cmd | grep -q X`
# fails whenever grep exits at its first match while cmd is still writing: cmd dies of SIGPIPE, and the
# pipeline's status is cmd's. `apt-cache policy` writes enough for that to happen most of the time.

# True when apt can install PKG: `apt-cache policy` names a candidate version (not "(none)").
apt_has_candidate() {
  local policy
  policy="$(apt-cache policy "$1" 2>/dev/null)" || return 1
  [[ $policy =~ Candidate:\ [0-9] ]]
}

# True when dpkg has PKG fully installed. dpkg -s succeeds for removed-but-configured packages too, so this
# checks the status line.
dpkg_installed() {
  local status
  status="$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" || return 1
  [[ $status == 'install ok installed' ]]
}

# True when unix user $1 is in group $2.
in_group() {
  local groups
  groups=" $(id -nG "$1") " || return 1
  [[ $groups == *" $2 "* ]]
}

# CI must test every flavour, so there a flavour that cannot be installed is an error; on a developer's
# machine it is a warning, and the tests of that flavour are the only ones that cannot run.
unavailable() {
  if [[ "${CI:-}" == true ]]; then
    echo "[hub-setup] ERROR: $* (CI=true: every hub flavour must be installable)" >&2
    exit 1
  fi
  log "WARNING: $*"
}

install_apt_packages() {
  local missing=() installable=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg_installed "$pkg" || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then
    return
  fi
  apt-get update -qq
  for pkg in "${missing[@]}"; do
    if apt_has_candidate "$pkg"; then
      installable+=("$pkg")
    elif [[ "$pkg" == python3-venv ]]; then
      echo "[hub-setup] ERROR: apt has no installable python3-venv: cannot build the hub's venv" >&2
      exit 1
    else
      # JupyterHub 3.0 comes from Debian 12; elsewhere only the pypi flavour can run.
      unavailable "apt has no installable $pkg (no candidate version): the debian3 flavour will not be available"
    fi
  done
  if ((${#installable[@]} > 0)); then
    log "apt: installing ${installable[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${installable[@]}" >/dev/null ||
      unavailable "apt-get install ${installable[*]} failed (its errors are above)"
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

# Both venvs are needed by `npm test` everywhere (the pypi flavour is the default hub, which every test and the
# sandbox use; the tools venv holds the test oracles), so a failed venv is an error everywhere, not only in CI.
venv_failed() {
  echo "[hub-setup] ERROR: venv: $*" >&2
  exit 1
}

# Installs requirements file $2 (with its constraints file $3) into the venv $1, unless its stamp says that
# exactly these files are installed already. $4 is an executable the finished venv must have.
install_venv() {
  local venv="$1" req="$2" constraints="$3" probe="$4" stamp want
  stamp="$venv/.requirements.sha256"
  want="$(cat "$req" "$constraints" | sha256sum | cut -d' ' -f1)"
  if [[ -x "$venv/bin/$probe" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    return
  fi
  log "venv: installing $(grep -v -e '^#' -e '^-' "$req" | tr '\n' ' ')into $venv"
  mkdir -p "$(dirname "$venv")"
  # Debian's python, not pyenv's: pyenv lives under /root (mode 700), which spawned users cannot enter.
  if [[ ! -x "$venv/bin/python" ]]; then
    /usr/bin/python3 -m venv "$venv" || venv_failed "/usr/bin/python3 -m venv $venv failed"
  fi
  # This machine's pip.conf names local indexes that may be empty: drop pip's warnings about them. grep -v
  # reads to the end, so pipefail gives pip's own status.
  { "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req" 2>&1 1>&3 |
    { grep -v "^WARNING: Location 'file://" || true; } >&2; } 3>&1 ||
    venv_failed "pip could not install $req into $venv (its errors are above)"
  [[ -x "$venv/bin/$probe" ]] || venv_failed "$venv has no bin/$probe after installing $req"
  echo "$want" >"$stamp"
  # The single-user servers run as the test users and execute the hub's venv.
  chmod a+rx "$(dirname "$venv")"
  chmod -R a+rX "$venv"
}

ensure_users() {
  getent group team >/dev/null || groupadd team
  local u
  for u in "${ALL_USERS[@]}"; do
    id -u "$u" >/dev/null 2>&1 || useradd --create-home --home-dir "/home/$u" --user-group --shell /bin/bash "$u"
  done
  for u in "${TEAM_USERS[@]}"; do
    in_group "$u" team || usermod -aG team "$u"
  done
  # dave must stay outside the team, whatever happened to this machine before.
  if in_group dave team; then gpasswd -d dave team >/dev/null; fi
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

# A sample notebook as a user's home gets it: {{USER}} filled in.
render_notebook() { sed "s/{{USER}}/$2/g" "$1"; }

# True when $1, a home's copy of sample $2 for user $3, is byte for byte an earlier release of that sample
# (kept in notebooks/earlier/NAME.N.ipynb): nobody has edited it, so the current release may replace it.
is_earlier_sample() {
  local old
  for old in "$HERE/notebooks/earlier/${2%.ipynb}".*.ipynb; do
    [[ -e "$old" ]] || continue
    cmp -s "$1" <(render_notebook "$old" "$3") && return 0
  done
  return 1
}

# Copies the samples into each home. A copy already there is the user's and stays, unless it is an unedited
# earlier release: then sandboxes set up before a sample changed get the new one too.
copy_notebooks() {
  local u group src name dest
  for u in "${ALL_USERS[@]}"; do
    group=team
    [[ "$u" == dave ]] && group=dave
    for src in "$HERE"/notebooks/*.ipynb; do
      name="$(basename "$src")"
      dest="$HOMES_DIR/$u/$name"
      if [[ -e "$dest" ]]; then
        is_earlier_sample "$dest" "$name" "$u" || continue
        log "notebooks: $dest is an unedited earlier release of $name: replacing it with the current one"
      fi
      render_notebook "$src" "$u" >"$dest"
      chown "$u:$group" "$dest"
      chmod 640 "$dest"
    done
  done
}

main() {
  require_root
  ensure_node_modules
  install_apt_packages
  install_venv "$HUB_VENV" "$HERE/requirements-jh5.txt" "$HERE/constraints-jh5.txt" jupyterhub
  install_venv "$TOOLS_VENV" "$HERE/requirements-tools.txt" "$HERE/constraints-tools.txt" st
  ensure_users
  ensure_passwords
  copy_notebooks
  # The end-to-end harness's tools (Chromium, code-server) have their own script, which also runs alone.
  bash "$HERE/../e2e/setup.sh"
  # Versions from package metadata: `jupyterhub --version` imports the whole hub (over a second each).
  local pypi debian
  pypi="$("$HUB_VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("jupyterhub"))')"
  debian="$(dpkg-query -W -f='${Version}' jupyterhub 2>/dev/null || echo unavailable)"
  log "ready: pypi flavour JupyterHub $pypi in $HUB_VENV, debian3 flavour JupyterHub $debian," \
    "$("$TOOLS_VENV/bin/st" --version) in $TOOLS_VENV"
}

# Tests source this file to call its functions; only running it installs anything.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
