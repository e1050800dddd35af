#!/usr/bin/env bash
# The "realistic login" part of the test bed (issue 17): test users whose login shells and dot
# files behave like the ones real clusters hand out, and extra login sshds with few sessions.
#   - users (same uids on every flavor, in Slurm accounting like the test user):
#       swbanner     bash; .bashrc, .profile and .bash_profile print a banner to stdout AND stderr
#       swfmt        bash; .bashrc exports SQUEUE_FORMAT/FORMAT2/SORT, SACCT_FORMAT, SINFO_FORMAT,
#                    SLURM_TIME_FORMAT (relative on 22.05, %s on 24.11); prints nothing
#       swtcsh       tcsh, quiet            swtcshnoisy  tcsh; .cshrc/.login echo to stdout and stderr
#       swzsh        zsh, quiet             swzshnoisy   zsh; .zshenv/.zshrc echo to stdout and stderr
#       swdash       dash, quiet            swfish       fish, quiet
#     each logs in on the cluster's login sshd with the test user's key (.bed/keys/slurmuser_ed25519).
#   - sshd "maxsess1" (22.05: 127.0.0.1:2226, 24.11: 2227): MaxSessions 1 and a pre-auth Banner;
#     sshd "maxsess2" (22.05: 2228, 24.11: 2229): MaxSessions 2. Both for the test user.
#   - .bed/login-variants.json (.bed/login-variants-<flavor>.json) describing all of them, and
#     .bed/login-variants.known_hosts (read by test/integration/loginVariants.ts).
#
# Run by up.sh (where the daemons live; inside the 24.11 root as well, SW_GUEST=1) with no argument:
# packages, users, accounting, sshds, and - on the host, not as a guest - the bed files. Run by
# up-24.11.sh on the host with `bed` (and SW_ROOT=<root>): the bed files only, keys authorised in
# that root. Idempotent; never stops anything but its own sshds when their config changed.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SW_LV_PACKAGES=(tcsh zsh dash fish)
# name uid shell (the variant name is the user name)
SW_LV_USERS=(
  "swbanner 2101 /bin/bash"
  "swfmt 2102 /bin/bash"
  "swtcsh 2103 /usr/bin/tcsh"
  "swtcshnoisy 2104 /usr/bin/tcsh"
  "swzsh 2105 /usr/bin/zsh"
  "swzshnoisy 2106 /usr/bin/zsh"
  "swdash 2107 /bin/dash"
  "swfish 2108 /usr/bin/fish"
)
# sshd name, MaxSessions, port on 22.05, port on 24.11 (each flavor its own: they share the network)
SW_LV_SSHDS=(
  "maxsess1 1 2226 2227"
  "maxsess2 2 2228 2229"
)
SW_LV_BANNER="$SW_ETC/login-banner.txt"
if [[ -n ${SW_OVERLAY:-} ]]; then
  SW_LV_BED_FILE="login-variants-$SW_OVERLAY.json"
else
  SW_LV_BED_FILE="login-variants.json"
fi
SW_LV_KNOWN_HOSTS="$SW_BED/login-variants.known_hosts"

sw_lv_port() { # sw_lv_port "name max p2205 p2411"
  local _name _max p2205 p2411
  read -r _name _max p2205 p2411 <<<"$1"
  if [[ -n ${SW_OVERLAY:-} ]]; then printf '%s\n' "$p2411"; else printf '%s\n' "$p2205"; fi
}

# sw_lv_file USER PATH MODE < TEXT: a dot file owned by USER.
sw_lv_file() {
  sw_install_text "$2" "$1:$1" "$3"
}

sw_lv_dotfiles() {
  local user=$1 home=/home/$1 time_format=relative
  [[ -n ${SW_OVERLAY:-} ]] && time_format='%s'
  case $user in
    swbanner)
      local banner='echo "=== Welcome to the cluster (stdout banner from ~/FILE) ==="
echo "*** Quota warning: this line goes to stderr (~/FILE) ***" >&2'
      sw_lv_file "$user" "$home/.bashrc" 644 <<<"${banner//FILE/.bashrc}"
      sw_lv_file "$user" "$home/.profile" 644 <<<"${banner//FILE/.profile}"
      # .bash_profile wins over .profile for a bash login shell; it also reads .bashrc, as many do.
      sw_lv_file "$user" "$home/.bash_profile" 644 <<<"${banner//FILE/.bash_profile}
[ -f ~/.bashrc ] && . ~/.bashrc"
      ;;
    swfmt)
      sw_lv_file "$user" "$home/.bashrc" 644 <<EOF
# A user who likes their own Slurm output formats: every one of these changes what the
# commands print unless the caller overrides or unsets them.
export SQUEUE_FORMAT='%.7i %.9P %.8j %.8u %.2t %.10M %.6D %R'
export SQUEUE_FORMAT2='JobID:8,UserName:10,StateCompact:4'
export SQUEUE_SORT='-t,e'
export SACCT_FORMAT='JobID%5,State%4,ExitCode%3'
export SINFO_FORMAT='%9P %.5a %.10l %.6D %.6t %N'
export SLURM_TIME_FORMAT='$time_format'
EOF
      sw_lv_file "$user" "$home/.bash_profile" 644 <<<'[ -f ~/.bashrc ] && . ~/.bashrc'
      ;;
    swtcshnoisy)
      sw_lv_file "$user" "$home/.cshrc" 644 <<'EOF'
echo "tcsh .cshrc says hello on stdout"
echo "tcsh .cshrc says hello on stderr" > /dev/stderr
EOF
      sw_lv_file "$user" "$home/.login" 644 <<'EOF'
echo "tcsh .login says hello on stdout"
echo "tcsh .login says hello on stderr" > /dev/stderr
EOF
      ;;
    swzsh)
      # Present (empty) so an interactive zsh never starts zsh-newuser-install.
      sw_lv_file "$user" "$home/.zshrc" 644 </dev/null
      ;;
    swzshnoisy)
      sw_lv_file "$user" "$home/.zshenv" 644 <<'EOF'
echo "zsh .zshenv says hello on stdout"
echo "zsh .zshenv says hello on stderr" >&2
EOF
      sw_lv_file "$user" "$home/.zshrc" 644 <<'EOF'
echo "zsh .zshrc says hello on stdout"
echo "zsh .zshrc says hello on stderr" >&2
EOF
      ;;
    swfish)
      install -d -o "$user" -g "$user" -m 755 "$home/.config" "$home/.config/fish"
      sw_lv_file "$user" "$home/.config/fish/config.fish" 644 <<<'set -g fish_greeting'
      ;;
  esac
}

sw_lv_setup_users() {
  local entry user uid shell
  for entry in "${SW_LV_USERS[@]}"; do
    read -r user uid shell <<<"$entry"
    [[ -x $shell ]] || sw_die "$shell (login shell of $user) is missing: apt-get install failed?"
    grep -qxF "$shell" /etc/shells || printf '%s\n' "$shell" >>/etc/shells
    if ! id -u "$user" >/dev/null 2>&1; then
      getent passwd "$uid" >/dev/null && sw_die "uid $uid (for $user) is taken by $(getent passwd "$uid" | cut -d: -f1)"
      useradd --create-home --home-dir "/home/$user" --shell "$shell" --uid "$uid" "$user"
    fi
    [[ $(getent passwd "$user" | cut -d: -f7) == "$shell" ]] || usermod --shell "$shell" "$user"
    # A locked password ("!") makes sshd refuse even key logins with UsePAM; "*" allows keys only.
    [[ $(getent shadow "$user" | cut -d: -f2) == '*' ]] || usermod -p '*' "$user"
    install -d -o "$user" -g "$user" -m 700 "/home/$user/.ssh"
    touch "/home/$user/.ssh/authorized_keys"
    chown "$user:$user" "/home/$user/.ssh/authorized_keys"
    chmod 600 "/home/$user/.ssh/authorized_keys"
    sw_lv_dotfiles "$user"
  done
}

# One sacctmgr query for all of them (each call takes a few tenths of a second), one add for the missing.
sw_lv_register_accounting() {
  local entry user _uid _shell out missing=()
  out=$(sacctmgr -n -P show assoc where cluster="$SW_CLUSTER_NAME" account="$SW_ACCOUNT" format=user) ||
    sw_fail "sacctmgr show assoc failed" "$SW_LOG/slurmdbd.log"
  for entry in "${SW_LV_USERS[@]}"; do
    read -r user _uid _shell <<<"$entry"
    grep -qx "$user" <<<"$out" || missing+=("$user")
  done
  ((${#missing[@]} == 0)) && return 0
  sacctmgr -i add user "$(IFS=,; echo "${missing[*]}")" account="$SW_ACCOUNT" cluster="$SW_CLUSTER_NAME" >/dev/null ||
    sw_fail "sacctmgr add user ${missing[*]} failed" "$SW_LOG/slurmdbd.log"
}

# sw_lv_start_sshd NAME PORT MAX_SESSIONS: the login sshd's config plus MaxSessions and a Banner.
sw_lv_start_sshd() {
  start_sshd "$1" "$2" "$(printf '# Realistic-login variant %s (login-variants.sh): MaxSessions %s, pre-auth banner.\nMaxSessions %s\nBanner %s' "$1" "$3" "$3" "$SW_LV_BANNER")"
}

sw_lv_start_sshds() {
  printf '%s\n' "Authorized use only. This banner is sent before authentication (sshd Banner)." |
    sw_install_text "$SW_LV_BANNER" root:root 644
  local entry name max
  for entry in "${SW_LV_SSHDS[@]}"; do
    read -r name max _ <<<"$entry"
    sw_lv_start_sshd "$name" "$(sw_lv_port "$entry")" "$max"
  done
}

# Where the daemons live: packages, users, accounting, sshds.
sw_lv_guest() {
  sw_install_packages "${SW_LV_PACKAGES[@]}"
  sw_lv_setup_users
  sw_lv_register_accounting
  sw_lv_start_sshds
}

# sw_lv_json_entry NAME USER PORT SHELL MAX_SESSIONS NOTES: one variant, as a JSON object.
sw_lv_json_entry() {
  printf '    {"name": %s, "user": %s, "sshHost": %s, "sshPort": %d, "identityFile": %s, "knownHostsFile": %s, "shell": %s, "home": %s, "maxSessions": %s, "notes": %s}' \
    "$(sw_json_string "$1")" "$(sw_json_string "$2")" "$(sw_json_string "$SW_SSH_HOST")" "$3" \
    "$(sw_json_string "$SW_KEY")" "$(sw_json_string "$SW_LV_KNOWN_HOSTS")" "$(sw_json_string "$4")" \
    "$(sw_json_string "/home/$2")" "$5" "$(sw_json_string "$6")"
}

sw_lv_notes() {
  case $1 in
    swbanner) echo 'bash; .bashrc, .profile and .bash_profile print a banner to stdout and stderr' ;;
    swfmt) echo 'bash; .bashrc exports SQUEUE_FORMAT, SQUEUE_FORMAT2, SQUEUE_SORT, SACCT_FORMAT, SINFO_FORMAT, SLURM_TIME_FORMAT' ;;
    swtcsh) echo 'tcsh login shell, quiet' ;;
    swtcshnoisy) echo 'tcsh; .cshrc and .login echo to stdout and stderr' ;;
    swzsh) echo 'zsh login shell, quiet' ;;
    swzshnoisy) echo 'zsh; .zshenv and .zshrc echo to stdout and stderr' ;;
    swdash) echo 'dash login shell, quiet' ;;
    swfish) echo 'fish login shell (not POSIX), quiet' ;;
  esac
}

# On the host: authorise the test key for every variant user, pin the host key for every port,
# write the bed file.
sw_lv_bed() {
  install -d -m 755 "$SW_BED"
  install -d -m 700 "$SW_BED/keys"
  # The same key sw_write_bed makes (it reuses this one when it runs after us).
  [[ -s $SW_KEY ]] || ssh-keygen -q -t ed25519 -N '' -C "$SW_USER@$SW_CLUSTER_NAME" -f "$SW_KEY"
  [[ -s $SW_KEY.pub ]] || ssh-keygen -y -f "$SW_KEY" >"$SW_KEY.pub"
  chmod 600 "$SW_KEY"
  local pub entry user _uid shell authorized ports=("$SW_SSH_PORT") first=1 name max port
  pub=$(<"$SW_KEY.pub")
  for entry in "${SW_LV_USERS[@]}"; do
    read -r user _uid _shell <<<"$entry"
    authorized="$SW_ROOT/home/$user/.ssh/authorized_keys"
    [[ -e $authorized ]] || sw_die "$authorized is missing: run up.sh (or up-$SW_OVERLAY.sh) first"
    grep -qxF -- "$pub" "$authorized" || printf '%s\n' "$pub" >>"$authorized"
  done
  for entry in "${SW_LV_SSHDS[@]}"; do ports+=("$(sw_lv_port "$entry")"); done

  # known_hosts of the variants: other flavors' lines kept, this flavor's ports pinned.
  local host_pub own others=""
  host_pub=$(cut -d' ' -f1,2 "$SW_ROOT$SW_HOST_KEY.pub")
  own="^\\[$SW_SSH_HOST\\]:($(IFS='|'; echo "${ports[*]}")) "
  [[ -r $SW_LV_KNOWN_HOSTS ]] && others=$(grep -Ev "$own" "$SW_LV_KNOWN_HOSTS" || true)
  {
    [[ -z $others ]] || printf '%s\n' "$others"
    for port in "${ports[@]}"; do printf '[%s]:%s %s\n' "$SW_SSH_HOST" "$port" "$host_pub"; done
  } | sw_install_text "$SW_LV_KNOWN_HOSTS" root:root 644

  {
    printf '{\n  "clusterName": %s,\n  "root": %s,\n  "variants": [\n' \
      "$(sw_json_string "$SW_CLUSTER_NAME")" "$(sw_json_string "${SW_ROOT:-/}")"
    for entry in "${SW_LV_USERS[@]}"; do
      read -r user _uid shell <<<"$entry"
      ((first)) || printf ',\n'
      first=0
      sw_lv_json_entry "$user" "$user" "$SW_SSH_PORT" "$shell" null "$(sw_lv_notes "$user")"
    done
    for entry in "${SW_LV_SSHDS[@]}"; do
      read -r name max _ <<<"$entry"
      port=$(sw_lv_port "$entry")
      printf ',\n'
      sw_lv_json_entry "$name" "$SW_USER" "$port" /bin/bash "$max" \
        "the test user on a login sshd with MaxSessions $max and a pre-auth Banner"
    done
    printf '\n  ]\n}\n'
  } | sw_install_text "$SW_BED/$SW_LV_BED_FILE" root:root 644
}

case ${1:-} in
  "")
    sw_lv_guest
    [[ ${SW_GUEST:-0} == 1 ]] || sw_lv_bed
    ;;
  bed) sw_lv_bed ;;
  *) sw_die "usage: $0 [bed]" ;;
esac
