# shellcheck shell=bash
# The "noacct" flavor: a small Slurm 22.05 cluster on this host WITHOUT accounting (no slurmdbd,
# AccountingStorageType=accounting_storage/none), as small sites run it: `sacct` answers "Slurm
# accounting storage is disabled". Brought up by flavor-noacct.sh (called from up.sh). Sourced by
# lib.sh when SW_OVERLAY=noacct: only what differs from the 22.05 defaults. It shares the host's
# munge and test user; everything else (ports, config folder, state, pid files, logs) is its own,
# so it never touches the default cluster. Its login sshd sets SLURM_CONF for every session.
# shellcheck disable=SC2034 # read by lib.sh and flavor-noacct.sh

: "${SW_CLUSTER_NAME:=noacct}"
: "${SW_CTLD_PORT:=6917}"
: "${SW_NODE_PORT_BASE:=6921}"
# Taken: 2222-2225 (default and 24.11 login + bastion), 2226-2229 (login-variants.sh). The bastion
# of this flavor is the default one (2224, same host key): it reaches 127.0.0.1:2232 like any login.
: "${SW_SSH_PORT:=2232}"
: "${SW_JUMP_PORT:=2224}"
# Fixed, not overridable: sshd_config.append names the slurm.conf in it.
SW_ETC=/etc/slurm-noacct
: "${SW_STATE:=/var/lib/slurm-noacct}"
: "${SW_RUN:=/run/slurm-noacct}"
: "${SW_LOG:=/var/log/slurm-noacct}"
: "${SW_BED_FILE:=cluster-noacct.json}"
: "${SW_LOCK_FILE:=/run/slurm-workbench-noacct.lock}"
