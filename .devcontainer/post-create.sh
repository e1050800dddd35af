#!/usr/bin/env bash
# The dev container's postCreateCommand: npm dependencies, then this clone's test bed for the
# compose cluster (key generated now, installed for the test user, known_hosts, .bed/cluster.json)
# at the address test/bed/mode.ts picks (the login node "login" inside the dev container).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

fail() { printf '[post-create] ERROR: %s\n' "$*" >&2; exit 1; }

# npm can exit 0 without installing anything (e.g. "Exit handler never called!" after a TLS error
# such as SELF_SIGNED_CERT_IN_CHAIN behind a proxy whose CA only the host trusts), so the result is
# checked, not the exit status.
npm ci --no-audit --no-fund || fail "npm ci failed (see above)"
if [[ ! -f node_modules/.package-lock.json ]] || ! npm ls --depth=0 >/dev/null 2>&1; then
  npm ls --depth=0 2>&1 | tail -n 15 >&2 || true
  fail "npm ci did not install the dependencies into node_modules (exit status 0 or not). Can this container reach the npm registry? Behind a TLS-intercepting proxy, give the container its CA: NODE_EXTRA_CA_CERTS (see README, Docker)."
fi

read -r mode host port jump_port < <(node --import tsx test/bed/mode.ts)
printf '[post-create] mode %s: the cluster\x27s login node is %s:%s (bastion %s)\n' "$mode" "$host" "$port" "$jump_port"
SW_SSH_HOST=$host SW_SSH_PORT=$port SW_JUMP_PORT=$jump_port bash .devcontainer/cluster/container-bed.sh
