# shellcheck shell=bash
# Host side of a Slurm flavor that runs in its own Debian root on this machine (no Docker here):
# debootstrap once (cached), mount what daemons need, copy this folder in, run up.sh/down.sh
# INSIDE the root with the flavor's overlay, and on the way down stop every process whose root is
# that folder, then unmount in reverse order. Sourced by up-24.11.sh and down-24.11.sh after lib.sh
# (with SW_OVERLAY set, so SW_CHROOT_DIR, SW_DEBIAN_SUITE, ports... come from the overlay).

# Where this folder is copied inside the root (refreshed on every up).
SW_GUEST_CLUSTER_DIR=/opt/slurm-workbench/cluster
# Written last by the bootstrap: a root without it is incomplete and never used.
SW_CHROOT_MARKER=.slurm-workbench-bootstrapped
# Mount points under the root, in mount order; unmounted in reverse. /run is a tmpfs so that, like
# after a reboot, no stale pid file or socket of a previous run survives an unmount.
SW_CHROOT_MOUNTS=(proc sys dev dev/pts dev/shm run)

sw_chroot_require() {
  [[ -n ${SW_CHROOT_DIR:-} && $SW_CHROOT_DIR == /* && $SW_CHROOT_DIR != / ]] ||
    sw_die "SW_CHROOT_DIR must be an absolute folder other than / (overlay $SW_OVERLAY_DIR/env.sh)"
}

# Paths mounted at or below DIR, deepest first (so they can be unmounted in that order).
sw_mounts_below() {
  local dir=$1
  findmnt -rn -o TARGET | awk -v d="$dir" '$0 == d || index($0, d "/") == 1' | sort -r
}

# debootstrap --variant=minbase into DIR.partial, then rename: an interrupted run never leaves a
# root that looks complete. Reused as is when present (the Slurm packages are installed by up.sh
# inside it, which skips them when installed).
sw_chroot_bootstrap() {
  sw_chroot_require
  [[ -e $SW_CHROOT_DIR/$SW_CHROOT_MARKER ]] && return 0
  [[ ! -e $SW_CHROOT_DIR ]] ||
    sw_die "$SW_CHROOT_DIR exists but was not finished by debootstrap; remove it (after down-$SW_OVERLAY.sh) and retry"
  local partial="$SW_CHROOT_DIR.partial" m
  if [[ -e $partial ]]; then
    # A killed debootstrap may leave its own proc/sys mounts behind: never rm -rf through them.
    while read -r m; do [[ -n $m ]] && umount "$m"; done < <(sw_mounts_below "$partial")
    [[ -z $(sw_mounts_below "$partial") ]] || sw_die "cannot unmount everything below $partial"
    rm -rf --one-file-system "$partial"
  fi
  install -d -m 755 "$(dirname "$SW_CHROOT_DIR")"
  sw_log "debootstrap $SW_DEBIAN_SUITE into $SW_CHROOT_DIR (once; about a minute)"
  debootstrap --variant=minbase "$SW_DEBIAN_SUITE" "$partial" "$SW_DEBIAN_MIRROR" >"$partial.log" 2>&1 ||
    sw_fail "debootstrap $SW_DEBIAN_SUITE from $SW_DEBIAN_MIRROR failed (network?)" "$partial.log" "$partial/debootstrap/debootstrap.log"
  date -u +%FT%TZ >"$partial/$SW_CHROOT_MARKER"
  mv "$partial.log" "$partial/var/log/slurm-workbench-debootstrap.log"
  mv "$partial" "$SW_CHROOT_DIR"
}

sw_chroot_mount() {
  local m target
  for m in "${SW_CHROOT_MOUNTS[@]}"; do
    target="$SW_CHROOT_DIR/$m"
    mountpoint -q "$target" && continue
    install -d "$target"
    case $m in
      proc) mount -t proc proc "$target" ;;
      dev/shm) mount -t tmpfs -o mode=1777,nosuid,nodev shm "$target" ;;
      run) mount -t tmpfs -o mode=755,nosuid,nodev run "$target" ;;
      # Plain (not recursive) binds: no cgroup filesystem below sys, hence cgroup.conf in the overlay.
      *) mount --bind "/$m" "$target" ;;
    esac
  done
}

sw_chroot_unmount() {
  local i target
  for ((i = ${#SW_CHROOT_MOUNTS[@]} - 1; i >= 0; i--)); do
    target="$SW_CHROOT_DIR/${SW_CHROOT_MOUNTS[i]}"
    mountpoint -q "$target" || continue
    umount "$target" || sw_die "cannot unmount $target (still in use: fuser -vm $target)"
  done
}

# Name resolution and this folder's current scripts inside the root.
sw_chroot_sync() {
  cat /etc/resolv.conf >"$SW_CHROOT_DIR/etc/resolv.conf"
  grep -qw localhost "$SW_CHROOT_DIR/etc/hosts" 2>/dev/null ||
    printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >>"$SW_CHROOT_DIR/etc/hosts"
  # The root shares the host's name (same UTS namespace): srun/salloc on its login node give slurmctld
  # that name to answer to, and slurmctld stalls ~10 s per message on a name it cannot resolve.
  local host line
  host=$(hostname)
  if ! grep -qw -- "$host" "$SW_CHROOT_DIR/etc/hosts" && line=$(getent hosts "$host" | head -n 1) && [[ -n $line ]]; then
    printf '%s\n' "$line" >>"$SW_CHROOT_DIR/etc/hosts"
  fi
  local dest="$SW_CHROOT_DIR$SW_GUEST_CLUSTER_DIR"
  install -d -m 755 "$(dirname "$dest")"
  rm -rf "$dest.new"
  cp -r "$SW_CLUSTER_DIR" "$dest.new"
  rm -rf "$dest"
  mv "$dest.new" "$dest"
}

# sw_chroot_run SCRIPT: this folder's SCRIPT (up.sh/down.sh) inside the root, with the overlay, a
# clean environment and SW_GUEST=1.
sw_chroot_run() {
  chroot "$SW_CHROOT_DIR" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root TERM=dumb SW_OVERLAY="$SW_OVERLAY" SW_GUEST=1 /bin/bash "$SW_GUEST_CLUSTER_DIR/$1"
}

# Pids of the live processes whose root is the flavor's root (daemons, job steps, ssh sessions).
sw_chroot_pids() {
  local p pid
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    [[ $p/root/ -ef $SW_CHROOT_DIR/ ]] 2>/dev/null && printf '%s\n' "$pid"
  done
  return 0
}

# TERM, then KILL after 10 s, every process still running in the root.
sw_chroot_kill_rest() {
  local pids pid tries=50
  mapfile -t pids < <(sw_chroot_pids)
  ((${#pids[@]})) || return 0
  for pid in "${pids[@]}"; do
    sw_log "stopping $(cat "/proc/$pid/comm" 2>/dev/null || echo '?') (pid $pid) left in $SW_CHROOT_DIR"
    kill -TERM "$pid" 2>/dev/null || true
  done
  while ((tries-- > 0)) && ! sw_chroot_empty; do sleep 0.2; done
  mapfile -t pids < <(sw_chroot_pids)
  ((${#pids[@]})) || return 0
  kill -KILL "${pids[@]}" 2>/dev/null || true
  sw_wait 5 sw_chroot_empty || true
}

sw_chroot_empty() { [[ -z $(sw_chroot_pids) ]]; }
