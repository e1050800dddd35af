#!/usr/bin/env bash
# Brings up the bundled Slurm cluster natively (no Docker, no systemd), as root, idempotently:
# packages, munge, MariaDB + slurmdbd, slurmctld, slurmd node1..node4, the login sshd on
# 127.0.0.1:2222 and the bastion sshd on 127.0.0.1:2224. Writes this clone's .bed/ (test user key,
# known_hosts, cluster.json) every time, waits until everything answers, prints how to connect.
# Fast (a few seconds) when everything already runs; restarts the Slurm daemons when their
# configuration changed. Logs: /var/log/slurm-workbench/. Stop with down.sh.
# Run by up-24.11.sh inside the Debian 13 root with SW_OVERLAY=24.11 SW_GUEST=1: then it brings up
# that root's daemons only; the host side writes .bed/ and checks ssh (the key lives in the clone).
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $(id -u) == 0 ]] || sw_die "run as root (it installs packages and starts daemons): sudo bash $0"
sw_lock

setup_files() {
  sw_setup_dirs
  sw_setup_user
  sw_setup_host_key
  sw_install_slurm_configs
}

start_slurm() {
  local hash hash_file="$SW_STATE/slurm-conf.sha256" old="" node
  hash=$(sw_slurm_conf_hash)
  [[ -r $hash_file ]] && old=$(<"$hash_file")
  if [[ $hash != "$old" ]] && sw_slurm_daemons_running; then
    sw_log "Slurm configuration changed: restarting every Slurm daemon"
    stop_slurm
  fi
  start_slurmdbd
  sw_register_accounting
  start_slurmctld
  for node in "${SW_NODES[@]}"; do
    start_slurmd "$node"
  done
  sw_zoo_reservation
  printf '%s\n' "$hash" >"$hash_file"
}

start_both_sshd() {
  start_sshd login "$SW_SSH_PORT"
  start_sshd bastion "$SW_JUMP_PORT"
}

t_start=$(sw_now_us)
sw_stage apt sw_install_packages
sw_stage setup setup_files
sw_stage munge start_munge
sw_stage db start_db
sw_stage slurm start_slurm
sw_stage sshd start_both_sshd
sw_stage logins bash "$SW_CLUSTER_DIR/login-variants.sh" # realistic-login users and sshds (issue 17)
if [[ ${SW_GUEST:-0} == 1 ]]; then
  sw_stage wait sw_wait_slurm_ready
  exit 0
fi
sw_stage bed sw_write_bed
sw_stage wait sw_wait_ready
# The third, small cluster without accounting (flavor-noacct.sh): its own ports, same munge.
sw_stage noacct bash "$SW_CLUSTER_DIR/flavor-noacct.sh" up
total=$((($(sw_now_us) - t_start) / 10000))

printf '[cluster] up in %d.%02d s: cluster "%s", Slurm %s, nodes %s, partitions %s\n' \
  $((total / 100)) $((total % 100)) "$SW_CLUSTER_NAME" "$(sinfo --version | cut -d' ' -f2)" \
  "${SW_NODES[*]}" "${SW_PARTITIONS[*]}"
cat <<MSG
[cluster] connect (key):      ssh -i $SW_KEY -p $SW_SSH_PORT -o UserKnownHostsFile=$SW_KNOWN_HOSTS $SW_USER@$SW_SSH_HOST
[cluster] connect (password): ssh -p $SW_SSH_PORT -o UserKnownHostsFile=$SW_KNOWN_HOSTS $SW_USER@$SW_SSH_HOST   (password: $SW_PASSWORD, throwaway test credential)
[cluster] via the bastion:    add -J $SW_USER@$SW_SSH_HOST:$SW_JUMP_PORT
[cluster] test bed:           $SW_BED/cluster.json   logs: $SW_LOG/
MSG
