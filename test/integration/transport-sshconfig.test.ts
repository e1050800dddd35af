// ssh configuration users already have (issue 17, item 7), against the bundled cluster's REAL
// sshd (127.0.0.1:2222) and bastion (2224): ProxyCommand (nc, and `ssh -W` through the bastion),
// system-wide known_hosts (GlobalKnownHostsFile pointed at a temp file: the real
// /etc/ssh/ssh_known_hosts is shared with everyone else's tests), HostKeyAlias, IdentitiesOnly
// with a real ssh-agent full of wrong keys, @revoked, and @cert-authority against a throwaway
// sshd (started here as root on 127.0.0.1:2230, stopped after) that presents a host certificate.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readBed, type Bed } from './bed';
import { nativeClusterOnly } from './devcontainerSkip';
import { bedProfile, deps, sshTransport, tempDir } from './transport-support';
import { parseSshConfig } from '../../src/config/sshConfig';
import { HostKeyError } from '../../src/transport/knownHosts';
import { ProxyCommandError } from '../../src/transport/proxyCommand';

let bed: Bed;
let dir: string;
/** "ssh-ed25519 AAAA…" of the login sshd, from the bed's known_hosts. */
let loginKey: string;
before(() => {
  bed = readBed();
  dir = tempDir('swb-sshcfg-');
  const line = readFileSync(bed.knownHostsFile, 'utf8').split('\n').find((l) => l.startsWith(`[${bed.sshHost}]:${bed.sshPort} `));
  assert.ok(line, `the bed's known_hosts has the login node's key`);
  loginKey = line.split(' ').slice(1, 3).join(' ');
});
after(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function file(text: string): string {
  const path = join(dir, `f${++fileCount}`);
  writeFileSync(path, text);
  return path;
}

/** A profile for Host alias `alias` of `config`: host name, port and user come from the config. */
function aliasProfile(alias: string, knownHostsFile: string, extra: Record<string, unknown> = {}) {
  return bedProfile(bed, { host: alias, port: undefined, user: undefined, knownHostsFile, ...extra });
}

/** The process connected to `port` that is a child of this test: its name and pid. */
function childOn(port: number): { name: string; pid: number } | undefined {
  const out = execFileSync('ss', ['-tnpH', 'state', 'established', `( dport = :${port} )`], { encoding: 'utf8' });
  for (const m of out.matchAll(/\("([^"]+)",pid=(\d+)/g)) {
    const status = readFileSync(`/proc/${m[2]}/status`, 'utf8');
    if (new RegExp(`^PPid:\\s*${process.pid}$`, 'm').test(status)) return { name: m[1], pid: Number(m[2]) };
  }
  return undefined;
}

function childConnectedTo(port: number): string | undefined {
  return childOn(port)?.name;
}

describe('ProxyCommand (real sshd)', () => {
  it('`nc %h %p`: the connection runs through a child nc, tokens expanded; no socket of our own', async () => {
    const config = parseSshConfig(['Host bed-nc', `  HostName ${bed.sshHost}`, `  Port ${bed.sshPort}`, `  User ${bed.user}`, '  ProxyCommand nc %h %p'].join('\n'));
    const d = deps();
    const t = sshTransport(aliasProfile('bed-nc', bed.knownHostsFile), d, { sshConfig: config });
    try {
      assert.equal((await t.exec(['id', '-un'])).stdout.trim(), bed.user);
      assert.equal(childConnectedTo(bed.sshPort), 'nc', 'a child nc of this process holds the TCP connection to the sshd');
      assert.equal(t.connectionInfo?.localPort, undefined, 'ssh2 has no TCP socket of its own');
      assert.ok(d.lines.some((l) => l.includes(`connecting through ProxyCommand: nc ${bed.sshHost} ${bed.sshPort}`)), d.lines.join('\n'));
    } finally {
      t.dispose();
    }
  });

  it('the proxy dying mid-session is a lost connection: the next command reconnects through a new proxy', async () => {
    const config = parseSshConfig(['Host bed-nc', `  HostName ${bed.sshHost}`, `  Port ${bed.sshPort}`, `  User ${bed.user}`, '  ProxyCommand nc %h %p'].join('\n'));
    const d = deps();
    const t = sshTransport(aliasProfile('bed-nc', bed.knownHostsFile), d, { sshConfig: config });
    try {
      await t.exec(['true']);
      const first = childOn(bed.sshPort);
      assert.equal(first?.name, 'nc');
      process.kill(first.pid, 'SIGKILL');
      for (let i = 0; i < 200 && !d.lines.some((l) => l.includes('connection lost')); i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal((await t.exec(['id', '-un'])).stdout.trim(), bed.user);
      const second = childOn(bed.sshPort);
      assert.equal(second?.name, 'nc');
      assert.notEqual(second.pid, first.pid);
      assert.ok(d.lines.some((l) => /ProxyCommand for .* was stopped by SIGKILL/.test(l)), d.lines.join('\n'));
    } finally {
      t.dispose();
    }
  });

  it('`ssh -W %h:%p` through the bastion (OpenSSH client as the proxy)', async () => {
    const hop = [
      'ssh -F /dev/null', `-o UserKnownHostsFile=${bed.knownHostsFile}`, '-o StrictHostKeyChecking=yes', '-o BatchMode=yes',
      '-o IdentitiesOnly=yes', `-i ${bed.identityFile}`, `-p ${bed.jumpPort}`, '-W %h:%p', `%r@${bed.sshHost}`,
    ].join(' ');
    const config = parseSshConfig(['Host bed-w', `  HostName ${bed.sshHost}`, `  Port ${bed.sshPort}`, `  User ${bed.user}`, `  ProxyCommand ${hop}`].join('\n'));
    const d = deps();
    const t = sshTransport(aliasProfile('bed-w', bed.knownHostsFile), d, { sshConfig: config });
    try {
      assert.equal((await t.exec(['id', '-un'])).stdout.trim(), bed.user);
      assert.equal(childConnectedTo(bed.jumpPort), 'ssh', 'a child ssh holds the connection to the bastion');
      assert.ok(d.lines.some((l) => l.includes(`-W ${bed.sshHost}:${bed.sshPort} ${bed.user}@${bed.sshHost}`)), d.lines.join('\n'));
    } finally {
      t.dispose();
    }
  });

  it('a failing command: the error says the command failed and quotes its stderr; the stderr is logged', async () => {
    const config = parseSshConfig(['Host bed-broken', `  HostName ${bed.sshHost}`, `  Port ${bed.sshPort}`, `  User ${bed.user}`, "  ProxyCommand sh -c 'echo relay-down-for-%n >&2; exit 3'"].join('\n'));
    const d = deps();
    const t = sshTransport(aliasProfile('bed-broken', bed.knownHostsFile), d, { sshConfig: config });
    try {
      await assert.rejects(t.exec(['true']), (err: unknown) => {
        assert.ok(err instanceof ProxyCommandError, String(err));
        assert.match(err.message, /ProxyCommand for .* exited with code 3 before the server answered/);
        assert.match(err.message, /relay-down-for-bed-broken/);
        assert.match(err.hint ?? '', /ProxyCommand none/);
        return true;
      });
      assert.ok(d.lines.some((l) => /ProxyCommand: relay-down-for-bed-broken/.test(l)), d.lines.join('\n'));
    } finally {
      t.dispose();
    }
  });

  it('`ProxyCommand none` in a more specific block wins over a `Host *` ProxyCommand: a direct TCP connection', async () => {
    const config = parseSshConfig(
      ['Host bed-direct', `  HostName ${bed.sshHost}`, `  Port ${bed.sshPort}`, `  User ${bed.user}`, '  ProxyCommand none', 'Host *', '  ProxyCommand false'].join('\n'),
    );
    const t = sshTransport(aliasProfile('bed-direct', bed.knownHostsFile), deps(), { sshConfig: config });
    try {
      assert.equal((await t.exec(['id', '-un'])).stdout.trim(), bed.user);
      assert.ok(t.connectionInfo?.localPort, 'our own TCP socket');
    } finally {
      t.dispose();
    }
  });

  it('ProxyJump seen before ProxyCommand: the jump is used (OpenSSH keeps the first)', async () => {
    const config = parseSshConfig(
      [
        'Host bed-bastion', `  HostName ${bed.sshHost}`, `  Port ${bed.jumpPort}`, `  User ${bed.user}`, `  IdentityFile ${bed.identityFile}`,
        'Host bed-login', `  HostName ${bed.sshHost}`, `  Port ${bed.sshPort}`, `  User ${bed.user}`, '  ProxyJump bed-bastion', '  ProxyCommand false',
      ].join('\n'),
    );
    const t = sshTransport(aliasProfile('bed-login', bed.knownHostsFile), deps(), { sshConfig: config });
    try {
      assert.equal((await t.exec(['id', '-un'])).stdout.trim(), bed.user);
      assert.deepEqual(t.connectionInfo?.hops, [`${bed.user}@${bed.sshHost}:${bed.jumpPort}`, `${bed.user}@${bed.sshHost}:${bed.sshPort}`]);
    } finally {
      t.dispose();
    }
  });
});

describe('system-wide known_hosts (GlobalKnownHostsFile)', () => {
  const hostLines = (globalFile: string) => ['Host bed-g', `  HostName ${bed.sshHost}`, `  Port ${bed.sshPort}`, `  User ${bed.user}`, `  GlobalKnownHostsFile ${join(dir, 'absent')} ${globalFile}`];

  it('a key trusted only there connects without a prompt; nothing is written to the user file', async () => {
    const user = file('');
    const global = file(`[${bed.sshHost}]:${bed.sshPort} ${loginKey}\n`);
    const d = deps({ acceptHostKey: false });
    const t = sshTransport(aliasProfile('bed-g', user), d, { sshConfig: parseSshConfig(hostLines(global).join('\n')) });
    try {
      assert.equal((await t.exec(['id', '-un'])).stdout.trim(), bed.user);
      assert.deepEqual(d.asked.hostKeys, []);
      assert.equal(readFileSync(user, 'utf8'), '');
    } finally {
      t.dispose();
    }
  });

  it('a different key there: HOST KEY CHANGED, refused without a prompt, the hint names the system-wide file', async () => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'other')]);
    const otherPub = readFileSync(join(dir, 'other.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
    const global = file(`[${bed.sshHost}]:${bed.sshPort} ${otherPub}\n`);
    const d = deps({ acceptHostKey: true });
    const t = sshTransport(aliasProfile('bed-g', file('')), d, { sshConfig: parseSshConfig(hostLines(global).join('\n')) });
    try {
      await assert.rejects(t.exec(['true']), (err: unknown) => {
        assert.ok(err instanceof HostKeyError, String(err));
        assert.match(err.message, /HOST KEY CHANGED/);
        assert.ok(err.message.includes(global), err.message);
        assert.match(err.hint ?? '', /system-wide/);
        return true;
      });
      assert.deepEqual(d.asked.hostKeys, []);
    } finally {
      t.dispose();
    }
  });

  it('@revoked there: refused even though the user file trusts the key', async () => {
    const user = file(`[${bed.sshHost}]:${bed.sshPort} ${loginKey}\n`);
    const global = file(`@revoked * ${loginKey}\n`);
    const t = sshTransport(aliasProfile('bed-g', user), deps({ acceptHostKey: true }), { sshConfig: parseSshConfig(hostLines(global).join('\n')) });
    try {
      await assert.rejects(t.exec(['true']), (err: unknown) => err instanceof HostKeyError && /@revoked/.test(err.message));
    } finally {
      t.dispose();
    }
  });
});

describe('HostKeyAlias', () => {
  const config = () => parseSshConfig(['Host bed-alias', `  HostName ${bed.sshHost}`, `  Port ${bed.sshPort}`, `  User ${bed.user}`, '  HostKeyAlias login.cluster.example'].join('\n'));

  it('the key is looked up under the alias (no [host]:port entry exists)', async () => {
    const d = deps({ acceptHostKey: false });
    const t = sshTransport(aliasProfile('bed-alias', file(`login.cluster.example ${loginKey}\n`)), d, { sshConfig: config() });
    try {
      assert.equal((await t.exec(['id', '-un'])).stdout.trim(), bed.user);
      assert.deepEqual(d.asked.hostKeys, []);
    } finally {
      t.dispose();
    }
  });

  it('an accepted key is recorded under the alias, and OpenSSH with the same HostKeyAlias trusts that line', async () => {
    const kh = file('');
    const d = deps({ acceptHostKey: true });
    const t = sshTransport(aliasProfile('bed-alias', kh), d, { sshConfig: config() });
    try {
      await t.exec(['true']);
    } finally {
      t.dispose();
    }
    assert.equal(d.asked.hostKeys.length, 1);
    assert.equal(readFileSync(kh, 'utf8'), `login.cluster.example ${loginKey}\n`);
    const out = execFileSync('ssh', [
      '-F', '/dev/null', '-o', `UserKnownHostsFile=${kh}`, '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'StrictHostKeyChecking=yes', '-o', 'HostKeyAlias=login.cluster.example',
      '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-i', bed.identityFile, '-p', String(bed.sshPort), `${bed.user}@${bed.sshHost}`, 'id -un',
    ], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(out.trim(), bed.user);
  });
});

describe('IdentitiesOnly with a real ssh-agent holding 7 wrong keys (sshd MaxAuthTries 6)', () => {
  let agent: ChildProcess;
  let sock: string;
  before(async () => {
    sock = join(dir, 'agent.sock');
    agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
    const env = { ...process.env, SSH_AUTH_SOCK: sock };
    for (let i = 0; i < 7; i++) {
      const key = join(dir, `wrong${i}`);
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
      execFileSync('ssh-add', ['-q', key], { env, stdio: 'ignore' });
    }
  });
  after(() => {
    agent.kill();
  });
  const config = (identitiesOnly: boolean) =>
    parseSshConfig(['Host bed-io', `  HostName ${bed.sshHost}`, `  Port ${bed.sshPort}`, `  User ${bed.user}`, `  IdentityFile ${bed.identityFile}`, `  IdentitiesOnly ${identitiesOnly ? 'yes' : 'no'}`].join('\n'));
  const profile = () => aliasProfile('bed-io', bed.knownHostsFile, { auth: 'auto', identityFile: undefined });

  it('without IdentitiesOnly the agent offers all 7 and sshd drops the login before the right key', async () => {
    const t = sshTransport(profile(), deps(), { sshConfig: config(false), env: { agentSocket: sock } });
    try {
      // sshd ends the login after MaxAuthTries failures ("Too many authentication failures").
      await assert.rejects(t.exec(['true']), (err: unknown) => {
        assert.match(String(err), /Too many authentication failures/);
        assert.match((err as { hint?: string }).hint ?? '', /IdentitiesOnly yes/);
        return true;
      });
    } finally {
      t.dispose();
    }
  });

  it('with IdentitiesOnly yes only the IdentityFile is offered: it logs in', async () => {
    const d = deps();
    const t = sshTransport(profile(), d, { sshConfig: config(true), env: { agentSocket: sock } });
    try {
      assert.equal((await t.exec(['id', '-un'])).stdout.trim(), bed.user);
      assert.ok(d.lines.some((l) => /IdentitiesOnly: ssh-agent holds none of the identity files/.test(l)), d.lines.join('\n'));
    } finally {
      t.dispose();
    }
  });

  it('with IdentitiesOnly, the agent still signs for the identity it holds: a passphrase-protected IdentityFile logs in without asking', async () => {
    const locked = join(dir, 'locked');
    copyFileSync(bed.identityFile, locked);
    chmodSync(locked, 0o600);
    execFileSync('ssh-keygen', ['-q', '-p', '-f', locked, '-P', '', '-N', 'not-typed-by-anyone']);
    writeFileSync(`${locked}.pub`, execFileSync('ssh-keygen', ['-y', '-f', bed.identityFile], { encoding: 'utf8' }));
    execFileSync('ssh-add', ['-q', bed.identityFile], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
    const cfg = parseSshConfig(['Host bed-io', `  HostName ${bed.sshHost}`, `  Port ${bed.sshPort}`, `  User ${bed.user}`, `  IdentityFile ${locked}`, '  IdentitiesOnly yes'].join('\n'));
    const d = deps();
    const t = sshTransport(profile(), d, { sshConfig: cfg, env: { agentSocket: sock } });
    try {
      assert.equal((await t.exec(['id', '-un'])).stdout.trim(), bed.user);
      assert.deepEqual(d.asked.passphrases, [], 'the agent signed; no passphrase was asked');
    } finally {
      t.dispose();
    }
  });
});

const certSkip = nativeClusterOnly('starts its own sshd as root beside the native cluster, for the test user of this machine');

describe('@cert-authority (throwaway sshd with a host certificate on 127.0.0.1:2230)', { skip: certSkip }, () => {
  const port = 2230;
  let sshd: ChildProcess | undefined;
  let caPub: string;
  let sshdLog = '';
  before(async () => {
    const ca = join(dir, 'host_ca');
    const hostKey = join(dir, 'cert_host_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'test host CA', '-f', ca]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
    execFileSync('ssh-keygen', ['-q', '-s', ca, '-I', 'bed-cert-host', '-h', '-n', bed.sshHost, `${hostKey}.pub`]);
    caPub = readFileSync(`${ca}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    const conf = file(
      [
        `Port ${port}`, `ListenAddress ${bed.sshHost}`, `HostKey ${hostKey}`, `HostCertificate ${hostKey}-cert.pub`, `PidFile ${join(dir, 'sshd.pid')}`,
        'UsePAM no', 'PubkeyAuthentication yes', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'AuthorizedKeysFile .ssh/authorized_keys', 'LogLevel INFO',
      ].join('\n') + '\n',
    );
    sshd = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    sshd.stderr?.on('data', (b: Buffer) => (sshdLog += b.toString()));
    for (let i = 0; i < 100; i++) {
      const up = await new Promise<boolean>((resolve) => {
        const s = createConnection({ host: bed.sshHost, port }, () => (s.end(), resolve(true)));
        s.on('error', () => resolve(false));
      });
      if (up) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the throwaway sshd did not start on ${port}: ${sshdLog}`);
  });
  after(() => {
    sshd?.kill();
  });

  const profile = (knownHostsFile: string) => bedProfile(bed, { port, knownHostsFile });

  it('OpenSSH trusts the host through the CA line alone (the file is right)', () => {
    const kh = file(`@cert-authority [${bed.sshHost}]:${port} ${caPub}\n`);
    const out = execFileSync('ssh', [
      '-F', '/dev/null', '-o', `UserKnownHostsFile=${kh}`, '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes',
      '-o', 'IdentitiesOnly=yes', '-i', bed.identityFile, '-p', String(port), `${bed.user}@${bed.sshHost}`, 'id -un',
    ], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(out.trim(), bed.user);
  });

  it('Slurm Workbench refuses clearly (ssh2 cannot check host certificates) and says how to add the plain key; following the hint works', async () => {
    const kh = file(`@cert-authority [${bed.sshHost}]:${port} ${caPub}\n`);
    const d = deps({ acceptHostKey: true });
    const t = sshTransport(profile(kh), d);
    let hint = '';
    try {
      await assert.rejects(t.exec(['true']), (err: unknown) => {
        assert.ok(err instanceof HostKeyError, String(err));
        assert.match(err.message, /@cert-authority/);
        assert.match(err.message, /cannot check SSH host certificates/);
        hint = err.hint ?? '';
        return true;
      });
      assert.deepEqual(d.asked.hostKeys, [], 'not offered as an ordinary unknown key');
    } finally {
      t.dispose();
    }
    // The hint's command, run as it says: its line is the plain key; appended, the host is known.
    const command = /`(ssh-keyscan [^`]+)`/.exec(hint)?.[1];
    assert.ok(command, hint);
    assert.ok(command.includes(`-p ${port}`), command);
    const [exe, ...args] = command.split(' ');
    const scanned = execFileSync(exe, args, { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
    writeFileSync(kh, readFileSync(kh, 'utf8') + scanned.split('\n').filter((l) => l && !l.startsWith('#')).join('\n') + '\n');
    const t2 = sshTransport(profile(kh), deps({ acceptHostKey: false }));
    try {
      assert.equal((await t2.exec(['id', '-un'])).stdout.trim(), bed.user);
    } finally {
      t2.dispose();
    }
  });
});
