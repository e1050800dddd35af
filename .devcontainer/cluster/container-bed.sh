#!/usr/bin/env bash
# Writes this clone's test bed (.bed/) for a cluster running in containers (the dev container's
# compose cluster), as up.sh's sw_write_bed does for the native one: the test user's key pair
# (generated here, at create time), known_hosts pinned to the login node's host key (published by
# the login container in $SW_EXCHANGE_DIR), the public key installed for the test user (one
# password login with the throwaway test password, like ssh-copy-id), and cluster.json.
#
# Where the login node is: SW_SSH_HOST / SW_SSH_PORT / SW_JUMP_PORT (post-create.sh takes them from
# test/bed/mode.ts: "login" inside the dev container, 127.0.0.1:2322 from the host). Needs ssh,
# ssh-keygen and sshpass; no root. Idempotent.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Overridable so a test can write a bed elsewhere without touching this clone's.
: "${SW_CONTAINER_BED:=$SW_BED}"
: "${SW_EXCHANGE_DIR:=$SW_BED/exchange}"
: "${SW_WAIT_SECONDS:=180}"
SW_KEY="$SW_CONTAINER_BED/keys/slurmuser_ed25519"
SW_KNOWN_HOSTS="$SW_CONTAINER_BED/known_hosts"
host_pub_file="$SW_EXCHANGE_DIR/ssh_host_ed25519_key.pub"

for tool in ssh ssh-keygen sshpass; do
  command -v "$tool" >/dev/null || sw_die "$tool is missing (Debian: apt-get install openssh-client sshpass)"
done

install -d -m 755 "$SW_CONTAINER_BED"
install -d -m 700 "$SW_CONTAINER_BED/keys"
[[ -s $SW_KEY ]] || ssh-keygen -q -t ed25519 -N '' -C "$SW_USER@$SW_CLUSTER_NAME" -f "$SW_KEY"
[[ -s $SW_KEY.pub ]] || ssh-keygen -y -f "$SW_KEY" >"$SW_KEY.pub"
chmod 600 "$SW_KEY"

sw_log "waiting for the login node's host key in $host_pub_file"
sw_wait "$SW_WAIT_SECONDS" test -s "$host_pub_file" ||
  sw_die "no $host_pub_file after $SW_WAIT_SECONDS s: is the login container up? (docker compose -f .devcontainer/docker-compose.yml ps)"
sw_known_hosts_text "$host_pub_file" >"$SW_KNOWN_HOSTS.tmp"
mv -f "$SW_KNOWN_HOSTS.tmp" "$SW_KNOWN_HOSTS"

# The key goes in through one password login (host key pinned); the password only via the environment.
sw_log "installing the test user's key on $SW_USER@$SW_SSH_HOST:$SW_SSH_PORT"
install_key() {
  # shellcheck disable=SC2016  # expanded by the remote shell
  SSHPASS=$SW_PASSWORD sshpass -e ssh -F /dev/null -p "$SW_SSH_PORT" -o UserKnownHostsFile="$SW_KNOWN_HOSTS" \
    -o StrictHostKeyChecking=yes -o PubkeyAuthentication=no -o PreferredAuthentications=password,keyboard-interactive \
    -o NumberOfPasswordPrompts=1 -o ConnectTimeout=5 -o LogLevel=ERROR "$SW_USER@$SW_SSH_HOST" \
    'umask 077; mkdir -p ~/.ssh; read -r key; touch ~/.ssh/authorized_keys; grep -qxF -- "$key" ~/.ssh/authorized_keys || printf "%s\n" "$key" >>~/.ssh/authorized_keys' \
    <"$SW_KEY.pub"
}
sw_ssh_answers "$SW_SSH_PORT" || sw_wait "$SW_WAIT_SECONDS" install_key ||
  sw_die "could not log in as $SW_USER on $SW_SSH_HOST:$SW_SSH_PORT with the test password"
sw_wait 30 sw_ssh_answers "$SW_SSH_PORT" || sw_die "key login as $SW_USER on $SW_SSH_HOST:$SW_SSH_PORT fails after installing the key"
sw_wait 30 sw_ssh_answers "$SW_JUMP_PORT" || sw_die "key login on the bastion $SW_SSH_HOST:$SW_JUMP_PORT fails"

version=$(sw_ssh "$SW_SSH_PORT" sinfo --version | cut -d' ' -f2)
fingerprint=$(ssh-keygen -l -E sha256 -f "$host_pub_file" | cut -d' ' -f2)
sw_bed_json "$version" "$fingerprint" >"$SW_CONTAINER_BED/$SW_BED_FILE.tmp"
mv -f "$SW_CONTAINER_BED/$SW_BED_FILE.tmp" "$SW_CONTAINER_BED/$SW_BED_FILE"
sw_log "test bed written: $SW_CONTAINER_BED/$SW_BED_FILE (Slurm $version at $SW_USER@$SW_SSH_HOST:$SW_SSH_PORT)"
