# shellcheck shell=bash
# The Slurm 24.11 flavor of the bundled cluster: Debian 13 "trixie" packages in a debootstrap'd
# root on this same machine (up-24.11.sh / down-24.11.sh). Sourced by lib.sh when SW_OVERLAY=24.11,
# both on the host and inside that root. Only what differs from the 22.05 defaults in lib.sh:
# it shares the host's network and pid namespace, so every port is its own. Everything else (the
# templates, users, password, partitions, nodes) is the one definition in the folder above.
# shellcheck disable=SC2034 # read by lib.sh and the scripts that source it

SW_DEBIAN_SUITE=trixie
SW_DEBIAN_MIRROR=${SW_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# The root, on the host. Kept across runs (the debootstrap is the slow part); down-24.11.sh only
# unmounts it. Delete the folder (after down-24.11.sh) to start from scratch.
SW_CHROOT_DIR=${SW_CHROOT_DIR:-/var/lib/slurm-workbench/trixie-root}
# Inside the root only what the daemons need: Recommends would add systemd, logind and ~400 MB.
SW_APT_OPTIONS=(--no-install-recommends)

: "${SW_CLUSTER_NAME:=bundled2411}"
: "${SW_CTLD_PORT:=7817}"
: "${SW_DBD_PORT:=7819}"
: "${SW_DB_PORT:=3307}"
: "${SW_NODE_PORT_BASE:=7821}"
: "${SW_SSH_PORT:=2223}"
: "${SW_JUMP_PORT:=2225}"
: "${SW_BED_FILE:=cluster-24.11.json}"
: "${SW_LOCK_FILE:=/run/slurm-workbench-24.11.lock}"
