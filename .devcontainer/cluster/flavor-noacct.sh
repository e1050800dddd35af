#!/usr/bin/env bash
# The "noacct" flavor: a third, small native cluster on this host, Slurm 22.05 WITHOUT accounting
# (no slurmdbd; `sacct` says "Slurm accounting storage is disabled"), for tests of how the
# extension copes on such a site. As root:
#
#   bash flavor-noacct.sh up     # idempotent, a second or two when it already runs; called by up.sh
#   bash flavor-noacct.sh down   # its daemons only, by pid file; called by down.sh
#
# What runs: slurmctld on 6917, slurmd na1/na2 on 127.0.0.1:6921-6922 (partition debug), config in
# /etc/slurm-noacct/ (overlays/noacct/slurm.conf), state /var/lib/slurm-noacct, pids
# /run/slurm-noacct, logs /var/log/slurm-noacct; the host's munged (started by up.sh first); a
# login sshd on 127.0.0.1:2232 whose sessions get SLURM_CONF=/etc/slurm-noacct/slurm.conf (same
# host key and test user as the default cluster). Writes .bed/cluster-noacct.json. Everything else
# is lib.sh, with SW_OVERLAY=noacct (overlays/noacct/env.sh): its own ports, folders and lock.
set -euo pipefail
export SW_OVERLAY=noacct
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# lib.sh sets these for the default cluster whatever the overlay says.
SW_NODES=(na1 na2)
SW_PARTITIONS=(debug)
# The default cluster's host key: same server identity on every login port of this host.
SW_HOST_KEY=/etc/slurm-workbench/ssh_host_ed25519_key
export SLURM_CONF="$SW_ETC/slurm.conf"

[[ $(id -u) == 0 ]] || sw_die "run as root: sudo bash $0 up|down"

noacct_files() {
  local ports
  install -d -m 755 "$SW_ETC" "$SW_STATE" /run/sshd
  install -d -o slurm -g slurm -m 755 "$SW_RUN" "$SW_LOG" "$SW_STATE/slurmctld"
  mapfile -t ports < <(sw_node_ports)
  sw_render "$SW_OVERLAY_DIR/slurm.conf" CONF_DIR="$SW_ETC" CLUSTER_NAME="$SW_CLUSTER_NAME" \
    CTLD_HOST="$SW_CTLD_HOST" CTLD_PORT="$SW_CTLD_PORT" STATE_DIR="$SW_STATE" RUN_DIR="$SW_RUN" \
    LOG_DIR="$SW_LOG" NODE_ADDR="$SW_NODE_ADDR" "${ports[@]}" |
    sw_install_text "$SLURM_CONF" root:root 644
}

# Like up.sh's start_slurm: a changed slurm.conf restarts every daemon of this flavor.
noacct_slurm() {
  local hash hash_file="$SW_STATE/slurm-conf.sha256" old="" node
  [[ -s $SW_HOST_KEY ]] || sw_die "no host key $SW_HOST_KEY: run up.sh (it starts this flavor after the default cluster)"
  hash=$(sha256sum "$SLURM_CONF" | cut -d' ' -f1)
  [[ -r $hash_file ]] && old=$(<"$hash_file")
  if [[ $hash != "$old" ]] && sw_slurm_daemons_running; then
    sw_log "noacct: slurm.conf changed: restarting its Slurm daemons"
    stop_slurm
  fi
  start_slurmctld
  for node in "${SW_NODES[@]}"; do start_slurmd "$node"; done
  printf '%s\n' "$hash" >"$hash_file"
}

# What a user of the login node sees: this cluster, not the default one.
noacct_login_sees_it() {
  [[ $(sw_ssh "$SW_SSH_PORT" 'scontrol show config' 2>/dev/null) == *"ClusterName             = $SW_CLUSTER_NAME"* ]]
}

noacct_wait() {
  if ! sw_wait 60 sw_nodes_ready; then
    sinfo -N -l >&2 || true
    sw_fail "noacct: not every node is idle after 60 s" "$SW_LOG/slurmctld.log" "$SW_LOG/slurmd-na1.log" "$SW_LOG/slurmd-na2.log"
  fi
  sw_wait 20 noacct_login_sees_it ||
    sw_fail "noacct: ssh -p $SW_SSH_PORT does not answer with cluster $SW_CLUSTER_NAME" "$SW_LOG/sshd-login.log"
}

noacct_up() {
  sw_lock
  sw_pid_alive "$SW_MUNGE_PID" munged || sw_die "munged is not running: run up.sh (it starts munge, then this flavor)"
  noacct_files
  noacct_slurm
  start_sshd login "$SW_SSH_PORT"
  sw_write_bed
  noacct_wait
  sw_log "noacct: cluster \"$SW_CLUSTER_NAME\" (no accounting) up, nodes ${SW_NODES[*]}, login $SW_SSH_HOST:$SW_SSH_PORT, bed $SW_BED/$SW_BED_FILE"
}

noacct_down() {
  sw_lock
  stop_sshd login
  stop_slurm
  sw_log "noacct: cluster \"$SW_CLUSTER_NAME\" stopped (state kept in $SW_STATE)"
}

case ${1:-} in
  up) noacct_up ;;
  down) noacct_down ;;
  *) sw_die "usage: $0 up|down" ;;
esac
