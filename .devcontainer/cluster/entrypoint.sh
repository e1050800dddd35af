#!/usr/bin/env bash
# The entry script of every cluster container of .devcontainer/docker-compose.yml: one ROLE per
# container, started by the SAME lib.sh functions and templates as the native bring-up (up.sh), then
# kept in the foreground until its daemons exit (the container then stops and compose restarts it).
#
#   entrypoint.sh db | slurmdbd | slurmctld | login       start that role
#   entrypoint.sh slurmd NODE                             start compute node NODE (node1..node4)
#   entrypoint.sh health ROLE [NODE]                      exit 0 when the role answers (healthcheck)
#
# `health` also works natively, against the cluster up.sh started (a test runs every healthcheck of
# the compose file that way). Host names and ports come from SW_* variables set by the compose file.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Where the login node publishes its host public key for the dev container's known_hosts.
: "${SW_EXCHANGE_DIR:=}"

usage() { sed -n '5,7p' "$0" >&2; exit 2; }

# The parts of up.sh's setup_files a Slurm container needs (no lock: one role per container).
setup_slurm_files() {
  sw_setup_dirs
  sw_install_slurm_configs
}

# sw_node_ready NODE: the controller sees NODE in a state that takes jobs.
sw_node_ready() {
  local state
  state=$(sinfo -h -n "$1" -o '%t' 2>/dev/null) || return 1
  [[ $state =~ ^(idle|mix|alloc|comp)$ ]]
}

# With one container per node (no NodeAddr), slurmctld resolves every node's host name when it
# starts, and each name Docker's DNS does not know yet costs ~10 s (longer than start_slurmctld waits
# for an answer). The node containers start beside this one (they need only the munge key), so wait
# until their names resolve; slurmctld still starts after 120 s and reports what it cannot resolve.
node_names_resolve() {
  local node
  for node in "${SW_NODES[@]}"; do timeout 2 getent hosts "$node" >/dev/null || return 1; done
}
wait_for_node_names() {
  [[ -z $SW_NODE_ADDR ]] || return 0
  local deadline=$((SECONDS + 120))
  until node_names_resolve; do
    if ((SECONDS >= deadline)); then
      sw_log "warning: not every node name (${SW_NODES[*]}) resolves after 120 s; starting slurmctld anyway"
      return 0
    fi
    sleep 1
  done
}

health() {
  local role=${1:-}
  case $role in
    db) mariadb-admin --socket="$SW_DB_SOCKET" ping >/dev/null 2>&1 ;;
    slurmdbd) sw_pid_alive "$SW_RUN/slurmdbd.pid" slurmdbd && sw_dbd_answers >/dev/null 2>&1 ;;
    slurmctld) sw_pid_alive "$SW_RUN/slurmctld.pid" slurmctld && sw_ctld_answers ;;
    slurmd)
      [[ -n ${2:-} ]] || usage
      sw_pid_alive "$SW_RUN/slurmd-$2.pid" slurmd && sw_node_ready "$2" ;;
    login)
      sw_pid_alive "$SW_RUN/sshd-login.pid" sshd && sw_pid_alive "$SW_RUN/sshd-bastion.pid" sshd &&
        sw_munge_works >/dev/null 2>&1 && sinfo -h -o '%P' >/dev/null 2>&1 ;;
    *) usage ;;
  esac
}

# watch PIDFILE:COMM...: returns (non-zero) when one of them is gone; TERM stops them all first.
watch() {
  local spec pidfile comm
  # shellcheck disable=SC2317  # called by the trap
  stop_all() {
    for spec in "$@"; do sw_stop "${spec%%:*}" "${spec#*:}"; done
    exit 0
  }
  # shellcheck disable=SC2064  # the daemons to stop are known now
  trap "stop_all $*" TERM INT
  while :; do
    for spec in "$@"; do
      pidfile=${spec%%:*}
      comm=${spec#*:}
      if ! sw_pid_alive "$pidfile" "$comm"; then
        sw_log "$comm ($pidfile) is gone: stopping this container"
        tail -n 30 "$SW_LOG"/*.log 2>/dev/null >&2 || true
        return 1
      fi
    done
    # In the background + wait, so a TERM is handled at once.
    sleep 5 &
    wait $! || true
  done
}

role=${1:-}
case $role in
  health)
    shift
    health "$@" ;;
  db)
    sw_setup_dirs
    start_db
    watch "$SW_DB_PID:mariadbd" ;;
  slurmdbd)
    setup_slurm_files
    start_munge
    start_slurmdbd
    watch "$SW_MUNGE_PID:munged" "$SW_RUN/slurmdbd.pid:slurmdbd" ;;
  slurmctld)
    setup_slurm_files
    # slurmctld builds each job's credential with the owner's uid and groups: the test user must
    # exist here too (the same name and uid as on the nodes), or every job ends NODE_FAIL.
    sw_setup_user
    start_munge
    sw_register_accounting
    wait_for_node_names
    start_slurmctld
    sw_zoo_reservation
    watch "$SW_MUNGE_PID:munged" "$SW_RUN/slurmctld.pid:slurmctld" ;;
  slurmd)
    node=${2:-}
    [[ " ${SW_NODES[*]} " == *" $node "* ]] || sw_die "slurmd needs one of: ${SW_NODES[*]} (got '$node')"
    setup_slurm_files
    # Jobs run as the test user: the same name and uid on every node and on the login node.
    sw_setup_user
    start_munge
    start_slurmd "$node"
    watch "$SW_MUNGE_PID:munged" "$SW_RUN/slurmd-$node.pid:slurmd" ;;
  login)
    setup_slurm_files
    sw_setup_user
    sw_setup_host_key
    start_munge
    start_sshd login "$SW_SSH_PORT"
    start_sshd bastion "$SW_JUMP_PORT"
    if [[ -n $SW_EXCHANGE_DIR ]]; then
      install -d -m 755 "$SW_EXCHANGE_DIR"
      install -m 644 "$SW_HOST_KEY.pub" "$SW_EXCHANGE_DIR/ssh_host_ed25519_key.pub"
    fi
    watch "$SW_MUNGE_PID:munged" "$SW_RUN/sshd-login.pid:sshd" "$SW_RUN/sshd-bastion.pid:sshd" ;;
  *) usage ;;
esac
