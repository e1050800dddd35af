#!/usr/bin/env bash
# Run INSIDE the dev container by test/bed/docker-stage.sh: one batch job submitted from here over
# the dev container's own ssh to the login node (the address and key post-create.sh wrote into
# .bed/cluster.json), waited for until sacct says COMPLETED, and its output read back over ssh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

read -r host port user key known < <(node -e '
  const b = require("./.bed/cluster.json");
  console.log([b.sshHost, b.sshPort, b.user, b.identityFile, b.knownHostsFile].join(" "));')
[[ $host == login && $port == 2222 ]] || { echo "[job] the bed names $host:$port, not the compose login node login:2222" >&2; exit 1; }
on_login() {
  ssh -F /dev/null -i "$key" -p "$port" -o IdentitiesOnly=yes -o UserKnownHostsFile="$known" \
    -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=10 -o LogLevel=ERROR "$user@$host" "$@"
}

token="docker-stage-$RANDOM$RANDOM"
# shellcheck disable=SC2016  # expanded by the job's shell on the node
job=$(on_login sbatch --parsable -J "$token" -o "$token-%j.out" \
  --wrap "'echo $token on \$(hostname) as \$(id -un); python3 -c \"print(6 * 7)\"'")
job=${job%%;*}
[[ $job =~ ^[0-9]+$ ]] || { echo "[job] sbatch printed no job id: $job" >&2; exit 1; }
echo "[job] submitted $job from $(hostname) to $user@$host:$port"

state=""
for _ in $(seq 1 90); do
  state=$(on_login sacct -n -X -P -j "$job" -o State | head -n1)
  [[ $state =~ ^(COMPLETED|FAILED|CANCELLED|NODE_FAIL|TIMEOUT|OUT_OF_MEMORY|BOOT_FAIL) ]] && break
  sleep 1
done
echo "[job] $job: ${state:-no state in sacct}"
[[ $state == COMPLETED ]] || { on_login scontrol show job "$job" >&2 || true; exit 1; }

# Relative paths: the job and these commands run in the test user's home (shared by login and nodes).
out=$(on_login cat "$token-$job.out")
on_login rm -f "$token-$job.out"
printf '[job] output: %s\n' "$out"
expected="^$token on node[1-4] as $user
42$"
[[ $out =~ $expected ]] || { echo "[job] unexpected output (want: $token on nodeN as $user, then 42)" >&2; exit 1; }
echo "[job] ok: COMPLETED, output read back over ssh"
