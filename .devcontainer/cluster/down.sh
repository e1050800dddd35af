#!/usr/bin/env bash
# Stops exactly the daemons up.sh started, found through their pid files (a zombie counts as
# stopped). State (job ids, accounting database, keys) is kept for the next up.sh.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $(id -u) == 0 ]] || sw_die "run as root: sudo bash $0"
sw_lock

# The no-accounting flavor shares this host's munge: stopped first (not inside the 24.11 root).
[[ -n ${SW_OVERLAY:-} ]] || bash "$SW_CLUSTER_DIR/flavor-noacct.sh" down
stop_sshd bastion
stop_sshd login
stop_slurm
sw_stop "$SW_DB_PID" mariadbd
sw_stop "$SW_MUNGE_PID" munged
sw_log "cluster \"$SW_CLUSTER_NAME\" stopped (state kept in $SW_STATE and $SW_DB_DATADIR)"
