// Profile validation messages and resolution against ~/.ssh/config (Include, Host patterns,
// ProxyJump chains), with config files written into a temp "home" per run.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseProfile, parseProfiles, resolveSshProfile, type Profile } from '../../src/config/profile';
import { listConcreteHosts, loadSshConfig, parseJumpSpec, resolveSshHost } from '../../src/config/sshConfig';

let home: string;

before(() => {
  home = mkdtempSync(join(tmpdir(), 'swb-home-'));
  mkdirSync(join(home, '.ssh', 'config.d'), { recursive: true });
  writeFileSync(
    join(home, '.ssh', 'config'),
    [
      '# top-level include, relative to ~/.ssh',
      'Include config.d/*.conf',
      '',
      'Host cluster',
      '  HostName login.cluster.org',
      '  User alice',
      '  ProxyJump bastion',
      '  Include extra-in-block',
      '  IdentityFile ~/.ssh/id_cluster',
      '',
      'Host bastion',
      '  HostName gw.cluster.org',
      '  Port 2200',
      '  ProxyJump outer',
      '',
      'Host outer',
      '  HostName outer.example.org',
      '  User gatekeeper',
      '',
      'Host node? *.internal !bad.internal',
      '  User bob',
      '',
      'Host *',
      '  UserKnownHostsFile ~/.ssh/kh_%h',
      '  IdentityFile ~/.ssh/id_default',
    ].join('\n'),
  );
  writeFileSync(join(home, '.ssh', 'config.d', '10-lab.conf'), 'Host lab\n  HostName lab.example.org\n  Port 2022\n');
  writeFileSync(join(home, '.ssh', 'config.d', '20-hpc.conf'), 'Host hpc hpc-alias\n  HostName hpc.example.org\n  ProxyJump a@j1:2201,j2\n');
  // Included inside "Host cluster": applies to that block only.
  writeFileSync(join(home, '.ssh', 'extra-in-block'), 'Port 2222\n');
});
after(() => rmSync(home, { recursive: true, force: true }));

const profile = (p: Record<string, unknown>): Profile => {
  const r = parseProfile(p);
  if (!r.ok) throw new Error(r.problem.message);
  return r.profile;
};

describe('ssh config resolution', () => {
  it('follows Include (top level and inside a Host block) and computes HostName/User/Port/IdentityFile', () => {
    const cfg = loadSshConfig(join(home, '.ssh', 'config'), home);
    assert.equal(cfg.files.length, 4);
    const lab = resolveSshHost(cfg, 'lab', home);
    assert.equal(lab.hostName, 'lab.example.org');
    assert.equal(lab.port, 2022);
    const cluster = resolveSshHost(cfg, 'cluster', home);
    assert.equal(cluster.hostName, 'login.cluster.org');
    assert.equal(cluster.user, 'alice');
    assert.equal(cluster.port, 2222, 'Port from the file included inside the Host block');
    // IdentityFile accumulates in order; the block's own line still belongs to the block.
    assert.deepEqual(cluster.identityFiles, [join(home, '.ssh', 'id_cluster'), join(home, '.ssh', 'id_default')]);
    assert.deepEqual(cluster.userKnownHostsFiles, [join(home, '.ssh', 'kh_login.cluster.org')]);
    // The in-block include must not leak into other hosts.
    assert.equal(resolveSshHost(cfg, 'outer', home).port, undefined);
  });

  it('matches wildcard and negated Host patterns', () => {
    const cfg = loadSshConfig(join(home, '.ssh', 'config'), home);
    assert.equal(resolveSshHost(cfg, 'node1', home).user, 'bob');
    assert.equal(resolveSshHost(cfg, 'x.internal', home).user, 'bob');
    assert.notEqual(resolveSshHost(cfg, 'bad.internal', home).user, 'bob');
  });

  it('lists concrete hosts for "add profile", without patterns', () => {
    const cfg = loadSshConfig(join(home, '.ssh', 'config'), home);
    assert.deepEqual(listConcreteHosts(cfg), ['lab', 'hpc', 'hpc-alias', 'cluster', 'bastion', 'outer']);
  });

  it('parses ProxyJump hops', () => {
    assert.deepEqual(parseJumpSpec('alice@gw:2200'), { host: 'gw', user: 'alice', port: 2200 });
    assert.deepEqual(parseJumpSpec('[::1]:2224'), { host: '::1', user: undefined, port: 2224 });
    assert.deepEqual(parseJumpSpec('ssh://bob@gw'), { host: 'gw', user: 'bob', port: undefined });
    assert.throws(() => parseJumpSpec('gw:99999'), /Invalid ProxyJump host "gw:99999"/);
  });
});

describe('profile resolution', () => {
  it('resolves an alias with a ProxyJump chain whose first hop has its own ProxyJump', () => {
    const cfg = loadSshConfig(join(home, '.ssh', 'config'), home);
    const r = resolveSshProfile(profile({ name: 'c', host: 'cluster' }), cfg, { home, localUser: 'me', agentSocket: '/agent.sock' });
    assert.equal(r.target.host, 'login.cluster.org');
    assert.equal(r.target.user, 'alice');
    assert.equal(r.target.port, 2222);
    assert.equal(r.target.agentSocket, '/agent.sock');
    assert.deepEqual(
      r.jumps.map((j) => `${j.user}@${j.host}:${j.port}`),
      ['gatekeeper@outer.example.org:22', 'me@gw.cluster.org:2200'],
    );
  });

  it('profile fields win over the config; explicit jump lists resolve each hop', () => {
    const cfg = loadSshConfig(join(home, '.ssh', 'config'), home);
    const r = resolveSshProfile(
      profile({ name: 'h', host: 'hpc', user: 'carol', port: 2300, identityFile: '~/.ssh/mine', knownHostsFile: '/tmp/kh' }),
      cfg,
      { home, localUser: 'me' },
    );
    assert.equal(r.target.host, 'hpc.example.org');
    assert.equal(r.target.user, 'carol');
    assert.equal(r.target.port, 2300);
    assert.deepEqual(r.target.identityFiles, [join(home, '.ssh', 'mine')]);
    assert.deepEqual(r.target.knownHostsFiles, ['/tmp/kh']);
    assert.deepEqual(r.jumps.map((j) => `${j.user}@${j.host}:${j.port}`), ['a@j1:2201', 'me@j2:22']);
    assert.ok(r.jumps.every((j) => j.auth === 'auto' && j.knownHostsFiles[0] === '/tmp/kh'));
  });

  it('a host that is not in the config is used as is, with defaults', () => {
    const r = resolveSshProfile(profile({ name: 'x', host: '127.0.0.1' }), loadSshConfig(join(home, 'missing'), home), { home, localUser: 'me' });
    assert.equal(r.target.port, 22);
    assert.equal(r.target.user, 'me');
    assert.ok(r.target.identityFiles.includes(join(home, '.ssh', 'id_ed25519')));
    assert.equal(r.target.explicitIdentity, false);
    assert.deepEqual(r.jumps, []);
  });
});

describe('profile validation', () => {
  it('applies defaults', () => {
    const p = profile({ name: 'b', host: 'h' });
    assert.equal(p.kind, 'ssh');
    assert.equal(p.auth, 'auto');
    assert.equal(p.rememberSecrets, true);
    assert.equal(profile({ name: 'l', kind: 'local' }).host, undefined);
  });

  it('names the profile and the field in every message', () => {
    const { profiles, problems } = parseProfiles([
      { name: 'ok', host: 'h' },
      { name: 'badport', host: 'h', port: 70000 },
      { name: 'nohost' },
      { name: 'badauth', host: 'h', auth: 'telepathy' },
      { host: 'h' },
      { name: 'ok', host: 'again' },
      { name: 'jump', host: 'h', proxyJump: 'gw:0' },
      'not an object',
    ]);
    assert.deepEqual(profiles.map((p) => p.name), ['ok']);
    const messages = problems.map((p) => p.message);
    assert.equal(messages[0], 'Profile "badport": port must be between 1 and 65535.');
    assert.equal(messages[1], 'Profile "nohost": host is required for an ssh profile (a host name or a Host alias from ~/.ssh/config).');
    assert.equal(messages[2], 'Profile "badauth": auth must be one of "auto", "agent", "key", "password", "keyboard-interactive".');
    assert.equal(messages[3], 'Profile #5: name is required (a short name such as "bundled").');
    assert.match(messages[4], /Profile "ok" is defined more than once/);
    assert.match(messages[5], /^Profile "jump": proxyJump Invalid ProxyJump host "gw:0"/);
    assert.match(messages[6], /^Profile #8 must be an object/);
    assert.deepEqual(parseProfiles('nope').problems.map((p) => p.index), [-1]);
  });
});
