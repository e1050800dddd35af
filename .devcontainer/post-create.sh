#!/usr/bin/env bash
# The dev container's postCreateCommand: npm dependencies, then this clone's test bed for the
# compose cluster (key generated now, installed for the test user, known_hosts, .bed/cluster.json)
# at the address test/bed/mode.ts picks (the login node "login" inside the dev container).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

npm ci --no-audit --no-fund
read -r mode host port jump_port < <(node --import tsx test/bed/mode.ts)
printf '[post-create] mode %s: the cluster\x27s login node is %s:%s (bastion %s)\n' "$mode" "$host" "$port" "$jump_port"
SW_SSH_HOST=$host SW_SSH_PORT=$port SW_JUMP_PORT=$jump_port bash .devcontainer/cluster/container-bed.sh
