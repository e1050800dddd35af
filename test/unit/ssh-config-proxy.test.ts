// ssh_config options users already have (issue 17, item 7): ProxyCommand (first of
// ProxyJump/ProxyCommand wins, `none`, token expansion with shell quoting), HostKeyAlias,
// GlobalKnownHostsFile and IdentitiesOnly, from config text to the endpoints a transport dials.
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_GLOBAL_KNOWN_HOSTS_FILES, parseProfile, resolveSshProfile, type Profile } from '../../src/config/profile';
import { expandProxyCommand, parseSshConfig, resolveSshHost } from '../../src/config/sshConfig';

const home = '/home/tester';
const env = { home, localUser: 'tester', agentSocket: '' };

function profile(fields: Record<string, unknown>): Profile {
  const parsed = parseProfile({ name: 'p', kind: 'ssh', ...fields });
  if (!parsed.ok) throw new Error(parsed.problem.message);
  return parsed.profile;
}

describe('ProxyCommand and ProxyJump in ~/.ssh/config', () => {
  it('keeps the raw ProxyCommand; tokens are expanded later with the final host, port and user', () => {
    const cfg = parseSshConfig(['Host c', '  HostName login.example.org', '  Port 2200', '  ProxyCommand ssh -W %h:%p gw'].join('\n'), home);
    const host = resolveSshHost(cfg, 'c', home);
    assert.equal(host.proxyCommand, 'ssh -W %h:%p gw');
    assert.equal(host.proxyJump, undefined);
  });

  it('the first of ProxyJump / ProxyCommand seen wins, like OpenSSH (either order, across blocks)', () => {
    const jumpFirst = parseSshConfig(['Host c', '  ProxyJump gw', '  ProxyCommand nc %h %p'].join('\n'), home);
    assert.deepEqual([resolveSshHost(jumpFirst, 'c', home).proxyJump, resolveSshHost(jumpFirst, 'c', home).proxyCommand], ['gw', undefined]);
    const commandFirst = parseSshConfig(['Host c', '  ProxyCommand nc %h %p', 'Host *', '  ProxyJump gw'].join('\n'), home);
    assert.deepEqual([resolveSshHost(commandFirst, 'c', home).proxyJump, resolveSshHost(commandFirst, 'c', home).proxyCommand], [undefined, 'nc %h %p']);
  });

  it('`none` seen first means a direct connection, even with a `Host *` proxy after it', () => {
    for (const first of ['ProxyCommand none', 'ProxyJump none']) {
      const cfg = parseSshConfig(['Host c', `  ${first}`, 'Host *', '  ProxyCommand nc %h %p', '  ProxyJump gw'].join('\n'), home);
      const host = resolveSshHost(cfg, 'c', home);
      assert.equal(host.proxyCommand, undefined, first);
      assert.equal(host.proxyJump, undefined, first);
    }
  });

  it('the endpoint gets the expanded command: %r and %p are the profile\'s user and port when it sets them', () => {
    const cfg = parseSshConfig(['Host c', '  HostName login.example.org', '  User alice', '  ProxyCommand ssh -l %r -W %h:%p gw-for-%n'].join('\n'), home);
    const r = resolveSshProfile(profile({ host: 'c', user: 'bob', port: 2222 }), cfg, env);
    assert.equal(r.target.proxyCommand, 'ssh -l bob -W login.example.org:2222 gw-for-c');
    assert.deepEqual(r.jumps, []);
    assert.deepEqual(r.notes, []);
  });

  it('a profile proxyJump wins over a config ProxyCommand (like ssh -J), and says so in the notes', () => {
    const cfg = parseSshConfig(['Host c', '  ProxyCommand nc %h %p'].join('\n'), home);
    const r = resolveSshProfile(profile({ host: 'c', proxyJump: 'gw' }), cfg, env);
    assert.equal(r.target.proxyCommand, undefined);
    assert.deepEqual(r.jumps.map((j) => j.host), ['gw']);
    assert.equal(r.notes.length, 1);
    assert.match(r.notes[0], /ProxyCommand for c .* not used: it is reached through the ProxyJump gw/);
  });

  it('the first jump host may bring its own ProxyCommand; later hops never do', () => {
    const cfg = parseSshConfig(['Host c', '  ProxyJump gw', 'Host gw', '  ProxyCommand nc -X connect -x proxy:3128 %h %p'].join('\n'), home);
    const r = resolveSshProfile(profile({ host: 'c' }), cfg, env);
    assert.equal(r.jumps[0].proxyCommand, 'nc -X connect -x proxy:3128 gw 22');
    assert.equal(r.target.proxyCommand, undefined);
  });

  it('ProxyUseFdpass yes is refused with what to do, not ignored', () => {
    const cfg = parseSshConfig(['Host c', '  ProxyCommand nc %h %p', '  ProxyUseFdpass yes'].join('\n'), home);
    assert.throws(() => resolveSshProfile(profile({ host: 'c' }), cfg, env), /ProxyUseFdpass yes.*Remove it/);
  });
});

describe('expandProxyCommand', () => {
  const tokens = { host: 'login.example.org', port: 2222, user: 'alice', alias: 'cluster' };

  it('expands %h %p %r %n and %% like OpenSSH', () => {
    assert.equal(expandProxyCommand('ssh -W %h:%p -l %r gw %n 100%%', tokens), 'ssh -W login.example.org:2222 -l alice gw cluster 100%');
  });

  it('quotes substituted values: a hostile host or user name stays one word and runs nothing', () => {
    const hostile = { ...tokens, host: 'x;touch /tmp/pwned', user: "o'brien $(id)" };
    const expanded = expandProxyCommand('printf "%%s|" %h %r', hostile);
    assert.equal(expanded, `printf "%s|" 'x;touch /tmp/pwned' 'o'\\''brien $(id)'`);
    // The real /bin/sh sees exactly two arguments, unchanged.
    assert.equal(execFileSync('/bin/sh', ['-c', expanded], { encoding: 'utf8' }), "x;touch /tmp/pwned|o'brien $(id)|");
  });

  it('refuses tokens OpenSSH does not allow in ProxyCommand', () => {
    assert.throws(() => expandProxyCommand('nc %h %p %C', tokens), /token %C; only %h, %p, %r, %n and %% are supported/);
    assert.throws(() => expandProxyCommand('nc %h %', tokens), /token %;/);
  });
});

describe('HostKeyAlias, GlobalKnownHostsFile, IdentitiesOnly', () => {
  it('HostKeyAlias reaches the endpoint; `none` means no alias', () => {
    const cfg = parseSshConfig(['Host c', '  HostKeyAlias login.cluster', 'Host d', '  HostKeyAlias none'].join('\n'), home);
    assert.equal(resolveSshProfile(profile({ host: 'c' }), cfg, env).target.hostKeyAlias, 'login.cluster');
    assert.equal(resolveSshProfile(profile({ host: 'd' }), cfg, env).target.hostKeyAlias, undefined);
  });

  it('system known_hosts: OpenSSH\'s defaults unless GlobalKnownHostsFile lists others (tilde expanded)', () => {
    const cfg = parseSshConfig(['Host c', '  GlobalKnownHostsFile /etc/site/known_hosts ~/site_hosts'].join('\n'), home);
    assert.deepEqual(resolveSshProfile(profile({ host: 'c' }), cfg, env).target.globalKnownHostsFiles, ['/etc/site/known_hosts', '/home/tester/site_hosts']);
    const none = resolveSshProfile(profile({ host: 'other' }), cfg, env).target;
    assert.deepEqual(none.globalKnownHostsFiles, DEFAULT_GLOBAL_KNOWN_HOSTS_FILES);
    assert.deepEqual(DEFAULT_GLOBAL_KNOWN_HOSTS_FILES, ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']);
    // The profile's knownHostsFile replaces the user files only, as -o UserKnownHostsFile does.
    const pinned = resolveSshProfile(profile({ host: 'c', knownHostsFile: '/tmp/kh' }), cfg, env).target;
    assert.deepEqual([pinned.knownHostsFiles, pinned.globalKnownHostsFiles.length], [['/tmp/kh'], 2]);
  });

  it('UserKnownHostsFile lists several files, each used in order', () => {
    const cfg = parseSshConfig(['Host c', '  UserKnownHostsFile ~/.ssh/known_hosts /etc/ssh/team_hosts'].join('\n'), home);
    assert.deepEqual(resolveSshProfile(profile({ host: 'c' }), cfg, env).target.knownHostsFiles, ['/home/tester/.ssh/known_hosts', '/etc/ssh/team_hosts']);
  });

  it('`none` means no file (not a file named "none"), for both lists', () => {
    const cfg = parseSshConfig(['Host c', '  UserKnownHostsFile none', '  GlobalKnownHostsFile none'].join('\n'), home);
    const t = resolveSshProfile(profile({ host: 'c' }), cfg, env).target;
    assert.deepEqual([t.knownHostsFiles, t.globalKnownHostsFiles], [[], []]);
  });

  it('IdentitiesOnly yes reaches the endpoint with its identity files', () => {
    const cfg = parseSshConfig(['Host c', '  IdentitiesOnly yes', '  IdentityFile ~/.ssh/id_cluster'].join('\n'), home);
    const t = resolveSshProfile(profile({ host: 'c' }), cfg, env).target;
    assert.equal(t.identitiesOnly, true);
    assert.deepEqual(t.identityFiles, ['/home/tester/.ssh/id_cluster']);
  });
});
