# shellcheck shell=bash
# The bundled Slurm cluster of Slurm Workbench: everything up.sh and down.sh do, as functions, so a
# container entry script can source this file and start one role (start_munge, start_db,
# start_slurmdbd, start_slurmctld, start_slurmd NODE, start_sshd NAME PORT).
#
# Every host name, port and folder is an SW_* variable with a default for the native, one-host setup.
# Daemons are started directly (there is no systemd) and identified by their pid files only, so
# nothing else running on the machine is ever touched.
#
# Throwaway credentials, for this local test cluster only: the test user's password (SW_PASSWORD)
# and the database password (SW_DB_PASSWORD). Never reuse them anywhere.

export LC_ALL=C

SW_CLUSTER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SW_REPO_ROOT="$(cd "$SW_CLUSTER_DIR/../.." && pwd)"

# A flavor (SW_OVERLAY=24.11) is another Slurm built from this same definition: its overlay folder
# sets only what differs (ports, names, where its root lives) and may add config lines/files.
# Unset: the default cluster, Slurm 22.05 from this machine's own Debian 12 packages.
SW_OVERLAY_DIR=""
if [[ -n ${SW_OVERLAY:-} ]]; then
  SW_OVERLAY_DIR="$SW_CLUSTER_DIR/overlays/$SW_OVERLAY"
  [[ -r $SW_OVERLAY_DIR/env.sh ]] || { printf '[cluster] ERROR: no overlay %s\n' "$SW_OVERLAY_DIR/env.sh" >&2; exit 1; }
  # shellcheck source=SCRIPTDIR/overlays/24.11/env.sh
  source "$SW_OVERLAY_DIR/env.sh"
fi
# Where the cluster's daemons see "/", as a path on this machine. Empty: they run right here. Set
# only by the host side of a flavor running in its own root (up-24.11.sh) for the few host-side
# steps (.bed files); the scripts running INSIDE that root see their own "/" and leave it empty.
: "${SW_ROOT:=}"

: "${SW_CLUSTER_NAME:=bundled}"
: "${SW_ACCOUNT:=workbench}"
: "${SW_CTLD_HOST:=localhost}"
: "${SW_CTLD_PORT:=6817}"
: "${SW_DBD_HOST:=localhost}"
: "${SW_DBD_PORT:=6819}"
: "${SW_DB_HOST:=localhost}"
: "${SW_DB_PORT:=3306}"
: "${SW_DB_BIND:=127.0.0.1}"
: "${SW_DB_PASSWORD:=slurmdbd-pw}"
# Natively all nodes share this host, each slurmd on its own port; in one container per node set
# SW_NODE_ADDR="" and every port to 6818.
: "${SW_NODE_ADDR=NodeHostname=localhost NodeAddr=127.0.0.1}"
: "${SW_NODE_PORT_BASE:=6821}"
SW_NODES=(node1 node2 node3 node4)
SW_PARTITIONS=(debug gpu)

: "${SW_SSH_LISTEN:=127.0.0.1}"
: "${SW_SSH_HOST:=127.0.0.1}"
: "${SW_SSH_PORT:=2222}"
: "${SW_JUMP_PORT:=2224}"
: "${SW_USER:=slurmuser}"
: "${SW_USER_UID:=2000}"
: "${SW_PASSWORD:=slurmuser-pw}"
SW_HOME="/home/$SW_USER"

: "${SW_ETC:=/etc/slurm-workbench}"
: "${SW_STATE:=/var/lib/slurm-workbench}"
: "${SW_RUN:=/run/slurm-workbench}"
: "${SW_LOG:=/var/log/slurm-workbench}"
SW_GPU_DEV_DIR="$SW_STATE/fake-gpu"
SW_HOST_KEY="$SW_ETC/ssh_host_ed25519_key"
SW_MUNGE_PID=/run/munge/munged.pid
SW_MUNGE_LOG=/var/log/munge/munged.log
SW_DB_PID=/run/mysqld/mysqld.pid
SW_DB_SOCKET=/run/mysqld/mysqld.sock
SW_DB_DATADIR=/var/lib/mysql

SW_BED="$SW_REPO_ROOT/.bed"
# The test bed description this cluster writes: .bed/cluster.json, or the flavor's own.
: "${SW_BED_FILE:=cluster.json}"
: "${SW_LOCK_FILE:=/run/slurm-workbench.lock}"
SW_KEY="$SW_BED/keys/slurmuser_ed25519"
SW_KNOWN_HOSTS="$SW_BED/known_hosts"

SW_PACKAGES=(slurmctld slurmd slurm-client slurmdbd munge mariadb-server openssh-server openssh-client sshpass netcat-openbsd)
# Extra `apt-get install` options; an overlay may set them (24.11 skips Recommends: no systemd).
[[ -n ${SW_APT_OPTIONS+set} ]] || SW_APT_OPTIONS=()

sw_log() { printf '[cluster] %s\n' "$*"; }
sw_die() { printf '[cluster] ERROR: %s\n' "$*" >&2; exit 1; }

# sw_fail MESSAGE LOGFILE...: the error, plus the tail of each daemon log that explains it.
sw_fail() {
  local message=$1 log
  shift
  printf '[cluster] ERROR: %s\n' "$message" >&2
  for log in "$@"; do
    [[ -r $log ]] || continue
    printf -- '----- last lines of %s -----\n' "$log" >&2
    tail -n 25 "$log" >&2
  done
  exit 1
}

# sw_wait SECONDS COMMAND...: retry COMMAND every 0.2 s until it succeeds; false after SECONDS.
sw_wait() {
  local tries=$(($1 * 5))
  shift
  while ((tries-- > 0)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  return 1
}

# Microseconds since the epoch, for stage timings.
sw_now_us() { local t=$EPOCHREALTIME; echo "${t/./}"; }

# sw_stage NAME COMMAND...: run one stage and print how long it took.
sw_stage() {
  local name=$1 t0 cs
  shift
  t0=$(sw_now_us)
  "$@"
  cs=$((($(sw_now_us) - t0) / 10000))
  printf '[cluster] stage %-6s %3d.%02d s\n' "$name" $((cs / 100)) $((cs % 100))
}

# ---------------------------------------------------------------------------------------------
# Processes, by pid file. A zombie counts as stopped: on these machines pid 1 does not reap
# orphaned daemons, so a stopped daemon may linger as one.

# sw_pid_alive PIDFILE COMM: the pid in PIDFILE is a live (non-zombie) process named COMM.
sw_pid_alive() {
  local pidfile=$1 comm=$2 pid stat
  [[ -r $pidfile ]] || return 1
  pid=$(<"$pidfile")
  pid=${pid//[^0-9]/}
  [[ -n $pid && -r /proc/$pid/stat ]] || return 1
  stat=$(<"/proc/$pid/stat") 2>/dev/null || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]] || return 1
  [[ $(<"/proc/$pid/comm") == "$comm" ]] 2>/dev/null || return 1
  # Same root as this script: another Slurm flavor runs the same daemon names on this machine in
  # its own root (and a stale pid file there may name a pid reused here), never mistake one for ours.
  [[ /proc/$pid/root/ -ef /proc/self/root/ ]] && return 0
  # A root we may not look at is not a different root: root without CAP_SYS_PTRACE (inside a
  # container) cannot stat /proc/PID/root of another user's daemon (mysql, munge, slurm). There the
  # container's own pid namespace already keeps every other flavor out, so pid file + name decide.
  # A root that can be seen and differs is another flavor's.
  ! [[ -e /proc/$pid/root/ ]]
}

# sw_stop PIDFILE COMM: TERM, then KILL after 10 s; removes the pid file.
sw_stop() {
  local pidfile=$1 comm=$2 pid tries=50
  if sw_pid_alive "$pidfile" "$comm"; then
    pid=$(<"$pidfile")
    pid=${pid//[^0-9]/}
    kill -TERM "$pid" 2>/dev/null || true
    while ((tries-- > 0)) && sw_pid_alive "$pidfile" "$comm"; do sleep 0.2; done
    if sw_pid_alive "$pidfile" "$comm"; then
      kill -KILL "$pid" 2>/dev/null || true
      sw_wait 5 sw_not sw_pid_alive "$pidfile" "$comm" || true
    fi
    sw_log "stopped $comm (pid $pid)"
  fi
  rm -f "$pidfile"
}

sw_not() { ! "$@"; }

# sw_in COMMAND...: run COMMAND where the cluster's daemons live (here, or inside $SW_ROOT).
sw_in() {
  if [[ -n $SW_ROOT ]]; then
    chroot "$SW_ROOT" "$@"
  else
    "$@"
  fi
}

# Serialises up.sh and down.sh: several clones (or test runs) may bring the one cluster up at the
# same time, and two concurrent restarts would kill each other's daemons.
# Every daemon is started with 9>&- so none of them keeps the lock.
sw_lock() {
  exec 9>"$SW_LOCK_FILE"
  flock -w 300 9 || sw_die "another up.sh/down.sh has held $SW_LOCK_FILE for 300 s"
}

# ---------------------------------------------------------------------------------------------
# Packages

# sw_install_packages [PACKAGE...]: default SW_PACKAGES; nothing to do when all are installed.
sw_install_packages() {
  local status missing=() p created_policy=0 packages=("$@")
  ((${#packages[@]})) || packages=("${SW_PACKAGES[@]}")
  status=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${packages[@]}" 2>/dev/null || true)
  for p in "${packages[@]}"; do
    grep -qx "$p installed" <<<"$status" || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  sw_log "installing: ${missing[*]}"
  # Maintainer scripts must start nothing: this script starts every daemon itself.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    created_policy=1
  fi
  apt-get update -q || sw_die "apt-get update failed (network? /etc/apt/sources.list?)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${SW_APT_OPTIONS[@]}" "${packages[@]}" ||
    sw_die "apt-get install of ${packages[*]} failed"
  ((created_policy)) && rm -f /usr/sbin/policy-rc.d
  return 0
}

# ---------------------------------------------------------------------------------------------
# Files: folders, users, rendered configs, keys

# sw_render TEMPLATE NAME=VALUE...: print TEMPLATE with every @NAME@ replaced by VALUE.
sw_render() {
  local text pair
  text=$(<"$1")
  shift
  for pair in "$@"; do
    text=${text//@"${pair%%=*}"@/"${pair#*=}"}
  done
  printf '%s\n' "$text"
}

# sw_render_config NAME NAME=VALUE...: the template NAME of this folder, followed by the overlay's
# NAME.append (when the flavor has one), both rendered. Without an overlay: exactly sw_render.
sw_render_config() {
  local name=$1
  shift
  sw_render "$SW_CLUSTER_DIR/$name" "$@"
  if [[ -n $SW_OVERLAY_DIR && -r $SW_OVERLAY_DIR/$name.append ]]; then
    sw_render "$SW_OVERLAY_DIR/$name.append" "$@"
  fi
}

# Config files only a flavor has (e.g. cgroup.conf), from its overlay's etc-slurm/ folder.
sw_overlay_slurm_files() {
  [[ -n $SW_OVERLAY_DIR && -d $SW_OVERLAY_DIR/etc-slurm ]] || return 0
  local f
  for f in "$SW_OVERLAY_DIR"/etc-slurm/*; do
    [[ -f $f ]] && printf '%s\n' "${f##*/}"
  done
  return 0
}

# sw_install_text DEST OWNER MODE < TEXT: replace DEST only when its content changes.
sw_install_text() {
  local dest=$1 owner=$2 mode=$3 tmp
  tmp=$(mktemp "$dest.XXXXXX")
  cat >"$tmp"
  if cmp -s "$tmp" "$dest"; then
    rm -f "$tmp"
  else
    mv -f "$tmp" "$dest"
  fi
  chown "$owner" "$dest"
  chmod "$mode" "$dest"
}

sw_setup_dirs() {
  install -d -m 755 "$SW_ETC" "$SW_STATE" /etc/slurm /run/sshd
  install -d -o slurm -g slurm -m 755 "$SW_RUN" "$SW_LOG" "$SW_STATE/slurmctld"
  install -d -m 755 "$SW_GPU_DEV_DIR"
  local i
  for i in 0 1; do
    [[ -L $SW_GPU_DEV_DIR/nvidia$i ]] || ln -sfn /dev/null "$SW_GPU_DEV_DIR/nvidia$i"
  done
}

sw_setup_user() {
  if ! id -u "$SW_USER" >/dev/null 2>&1; then
    local uid_opt=()
    getent passwd "$SW_USER_UID" >/dev/null || uid_opt=(--uid "$SW_USER_UID")
    useradd --create-home --home-dir "$SW_HOME" --shell /bin/bash "${uid_opt[@]}" "$SW_USER"
  fi
  printf '%s:%s\n' "$SW_USER" "$SW_PASSWORD" | chpasswd
  install -d -o "$SW_USER" -g "$SW_USER" -m 700 "$SW_HOME/.ssh"
  touch "$SW_HOME/.ssh/authorized_keys"
  chown "$SW_USER:$SW_USER" "$SW_HOME/.ssh/authorized_keys"
  chmod 600 "$SW_HOME/.ssh/authorized_keys"
}

sw_node_ports() {
  local i args=()
  for i in "${!SW_NODES[@]}"; do
    args+=("NODE$((i + 1))_PORT=$((SW_NODE_PORT_BASE + i))")
  done
  printf '%s\n' "${args[@]}"
}

sw_install_slurm_configs() {
  local ports
  mapfile -t ports < <(sw_node_ports)
  sw_render_config slurm.conf CLUSTER_NAME="$SW_CLUSTER_NAME" CTLD_HOST="$SW_CTLD_HOST" \
    CTLD_PORT="$SW_CTLD_PORT" DBD_HOST="$SW_DBD_HOST" DBD_PORT="$SW_DBD_PORT" STATE_DIR="$SW_STATE" \
    RUN_DIR="$SW_RUN" LOG_DIR="$SW_LOG" NODE_ADDR="$SW_NODE_ADDR" "${ports[@]}" |
    sw_install_text /etc/slurm/slurm.conf root:root 644
  sw_render_config gres.conf GPU_DEV_DIR="$SW_GPU_DEV_DIR" |
    sw_install_text /etc/slurm/gres.conf root:root 644
  # slurmdbd refuses a config file that others can read (it holds the database password).
  sw_render_config slurmdbd.conf DBD_HOST="$SW_DBD_HOST" DBD_PORT="$SW_DBD_PORT" \
    LOG_DIR="$SW_LOG" RUN_DIR="$SW_RUN" DB_HOST="$SW_DB_HOST" DB_PORT="$SW_DB_PORT" \
    DB_PASSWORD="$SW_DB_PASSWORD" |
    sw_install_text /etc/slurm/slurmdbd.conf slurm:slurm 600
  local extra
  while read -r extra; do
    sw_render "$SW_OVERLAY_DIR/etc-slurm/$extra" | sw_install_text "/etc/slurm/$extra" root:root 644
  done < <(sw_overlay_slurm_files)
}

# The hash of what the Slurm daemons read; when it differs from the one they were started with,
# every Slurm daemon is restarted (a stale slurm.conf makes slurmctld and slurmd disagree).
sw_slurm_conf_hash() {
  local files=(/etc/slurm/slurm.conf /etc/slurm/gres.conf /etc/slurm/slurmdbd.conf) extra
  while read -r extra; do files+=("/etc/slurm/$extra"); done < <(sw_overlay_slurm_files)
  cat "${files[@]}" | sha256sum | cut -d' ' -f1
}

sw_setup_host_key() {
  [[ -s $SW_HOST_KEY ]] ||
    ssh-keygen -q -t ed25519 -N '' -C "slurm-workbench-$SW_CLUSTER_NAME" -f "$SW_HOST_KEY"
  [[ -s $SW_HOST_KEY.pub ]] || ssh-keygen -y -f "$SW_HOST_KEY" >"$SW_HOST_KEY.pub"
  chmod 600 "$SW_HOST_KEY"
}

# json_string VALUE: VALUE as a JSON string literal (the values here are paths and plain names).
sw_json_string() {
  local s=${1//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}

# sw_known_hosts_text HOST_KEY_PUB_FILE: $SW_KNOWN_HOSTS as it should be, on stdout: the lines of
# other clusters' ports kept, this cluster's sshd and bastion ports pinned to the given host key.
sw_known_hosts_text() {
  local host_pub own_hosts others=""
  host_pub=$(cut -d' ' -f1,2 "$1")
  own_hosts="^\\[$SW_SSH_HOST\\]:($SW_SSH_PORT|$SW_JUMP_PORT) "
  [[ -r $SW_KNOWN_HOSTS ]] && others=$(grep -Ev "$own_hosts" "$SW_KNOWN_HOSTS" || true)
  [[ -z $others ]] || printf '%s\n' "$others"
  printf '[%s]:%s %s\n[%s]:%s %s\n' "$SW_SSH_HOST" "$SW_SSH_PORT" "$host_pub" \
    "$SW_SSH_HOST" "$SW_JUMP_PORT" "$host_pub"
}

# sw_bed_json SLURM_VERSION HOST_KEY_FINGERPRINT: the bed file the tests read (cluster.json), on
# stdout; the key and known_hosts paths are $SW_KEY and $SW_KNOWN_HOSTS. Shared by sw_write_bed
# and container-bed.sh, so both beds have the same fields.
sw_bed_json() {
  local version=$1 fingerprint=$2 nodes parts
  nodes=$(printf '"%s",' "${SW_NODES[@]}")
  parts=$(printf '"%s",' "${SW_PARTITIONS[@]}")
  printf '{\n'
  printf '  "clusterName": %s,\n' "$(sw_json_string "$SW_CLUSTER_NAME")"
  printf '  "slurmVersion": %s,\n' "$(sw_json_string "$version")"
  printf '  "sshHost": %s,\n' "$(sw_json_string "$SW_SSH_HOST")"
  printf '  "sshPort": %d,\n' "$SW_SSH_PORT"
  printf '  "jumpPort": %d,\n' "$SW_JUMP_PORT"
  printf '  "user": %s,\n' "$(sw_json_string "$SW_USER")"
  printf '  "password": %s,\n' "$(sw_json_string "$SW_PASSWORD")"
  printf '  "identityFile": %s,\n' "$(sw_json_string "$SW_KEY")"
  printf '  "knownHostsFile": %s,\n' "$(sw_json_string "$SW_KNOWN_HOSTS")"
  printf '  "hostKeyFingerprint": %s,\n' "$(sw_json_string "$fingerprint")"
  printf '  "partitions": [%s],\n' "${parts%,}"
  printf '  "nodes": [%s],\n' "${nodes%,}"
  printf '  "home": %s\n' "$(sw_json_string "$SW_HOME")"
  printf '}\n'
}

# This clone's test bed files (.bed/): the test user's key pair, known_hosts for both sshd ports,
# and cluster.json (or the flavor's SW_BED_FILE) for the tests. Always run, even when the cluster
# was already up (maybe started from another clone): this clone's public key is appended to
# authorized_keys when missing. known_hosts keeps the lines of the other clusters' ports.
sw_write_bed() {
  local pub fingerprint version authorized="$SW_ROOT$SW_HOME/.ssh/authorized_keys"
  local host_key_pub="$SW_ROOT$SW_HOST_KEY.pub"
  install -d -m 755 "$SW_BED"
  install -d -m 700 "$SW_BED/keys"
  [[ -s $SW_KEY ]] || ssh-keygen -q -t ed25519 -N '' -C "$SW_USER@$SW_CLUSTER_NAME" -f "$SW_KEY"
  [[ -s $SW_KEY.pub ]] || ssh-keygen -y -f "$SW_KEY" >"$SW_KEY.pub"
  chmod 600 "$SW_KEY"
  pub=$(<"$SW_KEY.pub")
  grep -qxF -- "$pub" "$authorized" || printf '%s\n' "$pub" >>"$authorized"

  sw_known_hosts_text "$host_key_pub" | sw_install_text "$SW_KNOWN_HOSTS" root:root 644
  fingerprint=$(ssh-keygen -l -E sha256 -f "$host_key_pub" | cut -d' ' -f2)
  version=$(sw_in sinfo --version | cut -d' ' -f2)
  sw_bed_json "$version" "$fingerprint" | sw_install_text "$SW_BED/$SW_BED_FILE" root:root 644
}

# ---------------------------------------------------------------------------------------------
# Roles. Each start_* returns at once when its daemon is already running.

sw_munge_works() { munge -n </dev/null | unmunge >/dev/null; }

start_munge() {
  if [[ ! -s /etc/munge/munge.key ]]; then
    mungekey --create --keyfile=/etc/munge/munge.key || sw_die "mungekey --create failed"
  fi
  chown munge:munge /etc/munge/munge.key
  chmod 400 /etc/munge/munge.key
  sw_pid_alive "$SW_MUNGE_PID" munged && return 0
  install -d -o munge -g munge -m 755 /run/munge
  install -d -o munge -g munge -m 700 /var/log/munge
  runuser -u munge -- /usr/sbin/munged </dev/null >>"$SW_LOG/munged.stdout" 2>&1 9>&- ||
    sw_fail "munged did not start" "$SW_MUNGE_LOG" "$SW_LOG/munged.stdout"
  sw_wait 10 sw_munge_works || sw_fail "munge does not answer on /run/munge/munge.socket.2" "$SW_MUNGE_LOG"
  sw_log "started munged (pid $(<"$SW_MUNGE_PID"))"
}

sw_db_sql() { mariadb --protocol=socket --socket="$SW_DB_SOCKET" -u root; }

start_db() {
  if ! sw_pid_alive "$SW_DB_PID" mariadbd; then
    install -d -o mysql -g mysql -m 755 /run/mysqld
    touch "$SW_LOG/mariadb.log"
    chown mysql:mysql "$SW_LOG/mariadb.log"
    if [[ ! -d $SW_DB_DATADIR/mysql ]]; then
      mariadb-install-db --user=mysql --datadir="$SW_DB_DATADIR" >>"$SW_LOG/mariadb.log" 2>&1 ||
        sw_fail "mariadb-install-db failed" "$SW_LOG/mariadb.log"
    fi
    setsid /usr/sbin/mariadbd --user=mysql --datadir="$SW_DB_DATADIR" --bind-address="$SW_DB_BIND" \
      --port="$SW_DB_PORT" --socket="$SW_DB_SOCKET" --pid-file="$SW_DB_PID" \
      --log-error="$SW_LOG/mariadb.log" --innodb-lock-wait-timeout=900 \
      </dev/null >/dev/null 2>&1 9>&- &
    sw_wait 60 mariadb-admin --socket="$SW_DB_SOCKET" ping ||
      sw_fail "MariaDB does not answer on $SW_DB_SOCKET" "$SW_LOG/mariadb.log"
    sw_wait 10 sw_pid_alive "$SW_DB_PID" mariadbd ||
      sw_fail "MariaDB answers but $SW_DB_PID names no running mariadbd" "$SW_LOG/mariadb.log"
    sw_log "started mariadbd (pid $(<"$SW_DB_PID"))"
  fi
  # Idempotent: the database and the account slurmdbd uses.
  sw_db_sql <<SQL || sw_fail "creating the accounting database failed" "$SW_LOG/mariadb.log"
CREATE DATABASE IF NOT EXISTS slurm_acct_db;
CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY '$SW_DB_PASSWORD';
CREATE USER IF NOT EXISTS 'slurm'@'%' IDENTIFIED BY '$SW_DB_PASSWORD';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'%';
SQL
}

sw_dbd_answers() { sacctmgr -n -P show cluster format=cluster >/dev/null; }

start_slurmdbd() {
  sw_pid_alive "$SW_RUN/slurmdbd.pid" slurmdbd && return 0
  /usr/sbin/slurmdbd </dev/null >>"$SW_LOG/slurmdbd.stdout" 2>&1 9>&- ||
    sw_fail "slurmdbd did not start" "$SW_LOG/slurmdbd.log" "$SW_LOG/slurmdbd.stdout"
  sw_wait 60 sw_dbd_answers ||
    sw_fail "slurmdbd does not answer sacctmgr on $SW_DBD_HOST:$SW_DBD_PORT" "$SW_LOG/slurmdbd.log"
  sw_log "started slurmdbd (pid $(<"$SW_RUN/slurmdbd.pid"))"
}

# The cluster, an account and the users root and the test user, registered before jobs run.
sw_register_accounting() {
  local out u
  out=$(sacctmgr -n -P show cluster format=cluster) || sw_fail "sacctmgr show cluster failed" "$SW_LOG/slurmdbd.log"
  grep -qx "$SW_CLUSTER_NAME" <<<"$out" || sacctmgr -i add cluster "$SW_CLUSTER_NAME" >/dev/null ||
    sw_fail "sacctmgr add cluster $SW_CLUSTER_NAME failed" "$SW_LOG/slurmdbd.log"
  out=$(sacctmgr -n -P show account format=account)
  grep -qx "$SW_ACCOUNT" <<<"$out" ||
    sacctmgr -i add account "$SW_ACCOUNT" cluster="$SW_CLUSTER_NAME" \
      description="Slurm Workbench tests" organization=workbench >/dev/null ||
    sw_fail "sacctmgr add account $SW_ACCOUNT failed" "$SW_LOG/slurmdbd.log"
  for u in root "$SW_USER"; do
    out=$(sacctmgr -n -P show assoc where cluster="$SW_CLUSTER_NAME" account="$SW_ACCOUNT" user="$u" format=user)
    grep -qx "$u" <<<"$out" ||
      sacctmgr -i add user "$u" account="$SW_ACCOUNT" cluster="$SW_CLUSTER_NAME" >/dev/null ||
      sw_fail "sacctmgr add user $u failed" "$SW_LOG/slurmdbd.log"
  done
  sw_register_zoo_limits
}

# The limits the pending-reason zoo runs into (issue 20; slurm.conf enforces associations, limits
# and qos): QOS zoo-maxjobs (one running job per user) which the test user may ask for besides
# normal, account zoo-assoc-jobs (the test user's association there runs one job at a time) and
# account zoo-assoc-cpu (2 CPUs for the whole account). The test user's default account stays
# SW_ACCOUNT, so only jobs that ask for these are limited. Idempotent: one query, adds what is missing.
SW_ZOO_QOS=zoo-maxjobs
SW_ZOO_ACCOUNT_JOBS=zoo-assoc-jobs
SW_ZOO_ACCOUNT_CPU=zoo-assoc-cpu
sw_register_zoo_limits() {
  local qos assocs log="$SW_LOG/slurmdbd.log"
  qos=$(sacctmgr -n -P show qos format=name) || sw_fail "sacctmgr show qos failed" "$log"
  grep -qx "$SW_ZOO_QOS" <<<"$qos" ||
    sacctmgr -i add qos "$SW_ZOO_QOS" set MaxJobsPerUser=1 Description="pending-reason zoo: one running job per user" >/dev/null ||
    sw_fail "sacctmgr add qos $SW_ZOO_QOS failed" "$log"
  assocs=$(sacctmgr -n -P show assoc where cluster="$SW_CLUSTER_NAME" format=account,user,qos) ||
    sw_fail "sacctmgr show assoc failed" "$log"
  grep -qx "$SW_ACCOUNT|$SW_USER|.*\b$SW_ZOO_QOS\b.*" <<<"$assocs" ||
    sacctmgr -i modify user where name="$SW_USER" account="$SW_ACCOUNT" cluster="$SW_CLUSTER_NAME" \
      set qos+="$SW_ZOO_QOS" >/dev/null || sw_fail "sacctmgr: allowing $SW_USER QOS $SW_ZOO_QOS failed" "$log"
  grep -q "^$SW_ZOO_ACCOUNT_JOBS||" <<<"$assocs" ||
    sacctmgr -i add account "$SW_ZOO_ACCOUNT_JOBS" cluster="$SW_CLUSTER_NAME" \
      description="pending-reason zoo: one job at a time" organization=workbench >/dev/null ||
    sw_fail "sacctmgr add account $SW_ZOO_ACCOUNT_JOBS failed" "$log"
  grep -q "^$SW_ZOO_ACCOUNT_JOBS|$SW_USER|" <<<"$assocs" ||
    sacctmgr -i add user "$SW_USER" account="$SW_ZOO_ACCOUNT_JOBS" cluster="$SW_CLUSTER_NAME" MaxJobs=1 >/dev/null ||
    sw_fail "sacctmgr add user $SW_USER to $SW_ZOO_ACCOUNT_JOBS failed" "$log"
  grep -q "^$SW_ZOO_ACCOUNT_CPU||" <<<"$assocs" ||
    sacctmgr -i add account "$SW_ZOO_ACCOUNT_CPU" cluster="$SW_CLUSTER_NAME" GrpTRES=cpu=2 \
      description="pending-reason zoo: 2 CPUs for the account" organization=workbench >/dev/null ||
    sw_fail "sacctmgr add account $SW_ZOO_ACCOUNT_CPU failed" "$log"
  grep -q "^$SW_ZOO_ACCOUNT_CPU|$SW_USER|" <<<"$assocs" ||
    sacctmgr -i add user "$SW_USER" account="$SW_ZOO_ACCOUNT_CPU" cluster="$SW_CLUSTER_NAME" >/dev/null ||
    sw_fail "sacctmgr add user $SW_USER to $SW_ZOO_ACCOUNT_CPU failed" "$log"
}

# A reservation a year ahead on node1 for the test user: the zoo's job asking for it waits with
# reason Reservation. So far ahead that it never holds back anything else; created when missing.
SW_ZOO_RESERVATION=zoo-future
sw_zoo_reservation() {
  scontrol show reservation "$SW_ZOO_RESERVATION" >/dev/null 2>&1 && return 0
  scontrol create reservation ReservationName="$SW_ZOO_RESERVATION" StartTime=now+365days \
    Duration=01:00:00 Nodes=node1 Users="$SW_USER" >/dev/null ||
    sw_fail "scontrol create reservation $SW_ZOO_RESERVATION failed" "$SW_LOG/slurmctld.log"
}

sw_ctld_answers() { [[ $(scontrol ping 2>/dev/null) == *"is UP"* ]]; }

start_slurmctld() {
  sw_pid_alive "$SW_RUN/slurmctld.pid" slurmctld && return 0
  install -d -o slurm -g slurm -m 755 "$SW_STATE/slurmctld"
  /usr/sbin/slurmctld </dev/null >>"$SW_LOG/slurmctld.stdout" 2>&1 9>&- ||
    sw_fail "slurmctld did not start" "$SW_LOG/slurmctld.log" "$SW_LOG/slurmctld.stdout"
  sw_wait 30 sw_ctld_answers || sw_fail "slurmctld does not answer scontrol ping" "$SW_LOG/slurmctld.log"
  sw_log "started slurmctld (pid $(<"$SW_RUN/slurmctld.pid"))"
}

# start_slurmd NODE: one slurmd per node name (natively all on this host, each on its own port).
start_slurmd() {
  local node=$1
  sw_pid_alive "$SW_RUN/slurmd-$node.pid" slurmd && return 0
  install -d -m 755 "$SW_STATE/slurmd-$node"
  /usr/sbin/slurmd -N "$node" </dev/null >>"$SW_LOG/slurmd-$node.stdout" 2>&1 9>&- ||
    sw_fail "slurmd -N $node did not start" "$SW_LOG/slurmd-$node.log" "$SW_LOG/slurmd-$node.stdout"
  sw_wait 10 sw_pid_alive "$SW_RUN/slurmd-$node.pid" slurmd ||
    sw_fail "slurmd -N $node exited" "$SW_LOG/slurmd-$node.log"
  sw_log "started slurmd -N $node (pid $(<"$SW_RUN/slurmd-$node.pid"))"
}

sw_slurm_daemons_running() {
  local node
  sw_pid_alive "$SW_RUN/slurmdbd.pid" slurmdbd && return 0
  sw_pid_alive "$SW_RUN/slurmctld.pid" slurmctld && return 0
  for node in "${SW_NODES[@]}"; do
    sw_pid_alive "$SW_RUN/slurmd-$node.pid" slurmd && return 0
  done
  return 1
}

stop_slurm() {
  local node
  for node in "${SW_NODES[@]}"; do
    sw_stop "$SW_RUN/slurmd-$node.pid" slurmd
  done
  sw_stop "$SW_RUN/slurmctld.pid" slurmctld
  sw_stop "$SW_RUN/slurmdbd.pid" slurmdbd
}

# start_sshd NAME PORT [EXTRA]: a private sshd (login node or bastion) with its own rendered config,
# EXTRA config lines first (sshd keeps the first value it reads, and a Match block in the template
# would swallow anything appended after it); restarted when that config changed.
start_sshd() {
  local name=$1 port=$2 extra=${3:-} conf="$SW_ETC/sshd-$1.conf" pidfile="$SW_RUN/sshd-$1.pid" before=""
  [[ -r $conf ]] && before=$(<"$conf")
  {
    [[ -z $extra ]] || printf '%s\n' "$extra"
    sw_render_config sshd_config PORT="$port" LISTEN="$SW_SSH_LISTEN" \
      HOST_KEY="$SW_HOST_KEY" PID_FILE="$pidfile"
  } | sw_install_text "$conf" root:root 644
  if sw_pid_alive "$pidfile" sshd; then
    [[ $(<"$conf") == "$before" ]] && return 0
    sw_log "sshd-$name config changed: restarting it"
    sw_stop "$pidfile" sshd
  fi
  install -d -m 755 /run/sshd
  /usr/sbin/sshd -t -f "$conf" 2>>"$SW_LOG/sshd-$name.log" ||
    sw_fail "sshd config $conf is invalid" "$SW_LOG/sshd-$name.log"
  /usr/sbin/sshd -f "$conf" -E "$SW_LOG/sshd-$name.log" </dev/null >/dev/null 2>&1 9>&- ||
    sw_fail "sshd-$name did not start" "$SW_LOG/sshd-$name.log"
  sw_wait 10 sw_pid_alive "$pidfile" sshd || sw_fail "sshd-$name did not write $pidfile" "$SW_LOG/sshd-$name.log"
  sw_log "started sshd-$name on $SW_SSH_LISTEN:$port (pid $(<"$pidfile"))"
}

stop_sshd() { sw_stop "$SW_RUN/sshd-$1.pid" sshd; }

# ---------------------------------------------------------------------------------------------
# Readiness

# One pass over the nodes: true when every node can take jobs. A node left DOWN or DRAINED by a
# restart (and not just unreachable, marked "*") is resumed.
sw_nodes_ready() {
  local lines node state ready=0 seen=0
  lines=$(sinfo -h -N -o '%N %t' 2>/dev/null | sort -u) || return 1
  while read -r node state; do
    [[ -n $node ]] || continue
    seen=$((seen + 1))
    case $state in
      idle | mix | alloc | comp) ready=$((ready + 1)) ;;
      *'*') ;;
      down | drain | drng | fail | failg)
        scontrol update nodename="$node" state=resume >/dev/null 2>&1 || true ;;
    esac
  done <<<"$lines"
  ((seen == ${#SW_NODES[@]} && ready == seen))
}

sw_ssh() {
  local port=$1
  shift
  ssh -F /dev/null -i "$SW_KEY" -p "$port" -o IdentitiesOnly=yes -o UserKnownHostsFile="$SW_KNOWN_HOSTS" \
    -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=5 -o LogLevel=ERROR \
    "$SW_USER@$SW_SSH_HOST" "$@"
}

sw_ssh_answers() { [[ $(sw_ssh "$1" 'echo ok' 2>/dev/null) == ok ]]; }

sw_wait_ready() {
  sw_wait_slurm_ready
  sw_wait_ssh_ready
}

# Every node idle and slurmdbd answering (run where the daemons live).
sw_wait_slurm_ready() {
  local node logs=("$SW_LOG/slurmctld.log")
  for node in "${SW_NODES[@]}"; do logs+=("$SW_LOG/slurmd-$node.log"); done
  if ! sw_wait 60 sw_nodes_ready; then
    sinfo -N -l >&2 || true
    sinfo -R >&2 || true
    sw_fail "not every node is idle after 60 s" "${logs[@]}"
  fi
  sw_wait 20 sw_dbd_answers || sw_fail "sacctmgr show cluster does not answer" "$SW_LOG/slurmdbd.log"
}

# Both sshd answer this clone's key (run on the host: the key is in this clone's .bed/).
sw_wait_ssh_ready() {
  sw_wait 20 sw_ssh_answers "$SW_SSH_PORT" ||
    sw_fail "ssh $SW_USER@$SW_SSH_HOST -p $SW_SSH_PORT does not answer" "$SW_ROOT$SW_LOG/sshd-login.log"
  sw_wait 20 sw_ssh_answers "$SW_JUMP_PORT" ||
    sw_fail "ssh $SW_USER@$SW_SSH_HOST -p $SW_JUMP_PORT (bastion) does not answer" "$SW_ROOT$SW_LOG/sshd-bastion.log"
}
