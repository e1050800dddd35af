#!/usr/bin/env bash
# Stops the Slurm 24.11 flavor started by up-24.11.sh: its daemons through their pid files (down.sh
# run inside the root), then any process still running in the root (job steps, ssh sessions),
# then unmounts run, dev/shm, dev/pts, dev, sys, proc in that order. The root itself is kept (the
# next up-24.11.sh takes seconds). Removes this clone's .bed/cluster-24.11.json, so the integration
# suite stops running against a cluster that is down.
set -euo pipefail
export SW_OVERLAY=24.11
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=SCRIPTDIR/chroot.sh
source "$SW_CLUSTER_DIR/chroot.sh"

[[ $(id -u) == 0 ]] || sw_die "run as root: sudo bash $0"
sw_chroot_require
sw_lock

if [[ -e $SW_CHROOT_DIR/$SW_CHROOT_MARKER ]] && mountpoint -q "$SW_CHROOT_DIR/proc" &&
  [[ -r $SW_CHROOT_DIR$SW_GUEST_CLUSTER_DIR/down.sh ]]; then
  sw_chroot_run down.sh || sw_log "down.sh inside $SW_CHROOT_DIR failed; stopping what is left by its root"
fi
sw_chroot_kill_rest
sw_chroot_empty || sw_die "processes still run in $SW_CHROOT_DIR: $(sw_chroot_pids | tr '\n' ' ')"
sw_chroot_unmount
rm -f "$SW_BED/$SW_BED_FILE"
sw_log "Slurm $SW_OVERLAY cluster stopped and $SW_CHROOT_DIR unmounted (root and state kept)"
