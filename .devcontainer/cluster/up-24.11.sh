#!/usr/bin/env bash
# Brings up the Slurm 24.11 flavor of the bundled cluster, as root, idempotently: Debian 13
# "trixie" debootstrap'd once into SW_CHROOT_DIR (overlays/24.11/env.sh; reused when present),
# then up.sh runs INSIDE that root with the 24.11 overlay (same templates, users and partitions as
# 22.05; its own ports: slurmctld 7817, slurmd 7821-7824, slurmdbd 7819, MariaDB 3307, login sshd
# 127.0.0.1:2223, bastion 2225). Writes this clone's .bed/cluster-24.11.json and known_hosts lines.
# Never touches the 22.05 cluster. Stop with down-24.11.sh. Logs: <root>/var/log/slurm-workbench/.
set -euo pipefail
export SW_OVERLAY=24.11
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=SCRIPTDIR/chroot.sh
source "$SW_CLUSTER_DIR/chroot.sh"

[[ $(id -u) == 0 ]] || sw_die "run as root (it runs debootstrap, mounts and starts daemons): sudo bash $0"
sw_chroot_require
sw_lock

guest_up() {
  sw_chroot_run up.sh || sw_die "bringing up Slurm $SW_OVERLAY inside $SW_CHROOT_DIR failed (above)"
}

t_start=$(sw_now_us)
sw_stage host-apt sw_install_packages debootstrap openssh-client
sw_stage bootstrap sw_chroot_bootstrap
sw_stage mount sw_chroot_mount
sw_stage sync sw_chroot_sync
sw_stage guest guest_up
# From here on the host side: files in the root are under SW_ROOT, commands run through chroot.
SW_ROOT=$SW_CHROOT_DIR
sw_stage bed sw_write_bed
sw_stage logins env SW_ROOT="$SW_ROOT" bash "$SW_CLUSTER_DIR/login-variants.sh" bed # issue 17
sw_stage wait sw_wait_ssh_ready
total=$((($(sw_now_us) - t_start) / 10000))

printf '[cluster] up in %d.%02d s: cluster "%s", Slurm %s (Debian %s root %s), nodes %s, partitions %s\n' \
  $((total / 100)) $((total % 100)) "$SW_CLUSTER_NAME" "$(sw_in sinfo --version | cut -d' ' -f2)" \
  "$SW_DEBIAN_SUITE" "$SW_CHROOT_DIR" "${SW_NODES[*]}" "${SW_PARTITIONS[*]}"
cat <<MSG
[cluster] connect (key):      ssh -i $SW_KEY -p $SW_SSH_PORT -o UserKnownHostsFile=$SW_KNOWN_HOSTS $SW_USER@$SW_SSH_HOST
[cluster] as root inside:     chroot $SW_CHROOT_DIR squeue
[cluster] test bed:           $SW_BED/$SW_BED_FILE   logs: $SW_CHROOT_DIR$SW_LOG/
MSG
