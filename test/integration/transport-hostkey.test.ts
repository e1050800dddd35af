// Host key checks and ProxyJump against the bundled cluster's real sshd (2222) and bastion (2224).
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readBed, type Bed } from './bed';
import { bedProfile, deps, sshTransport, tempDir } from './transport-support';
import { HostKeyError } from '../../src/transport/knownHosts';
import { parseSshConfig } from '../../src/config/sshConfig';

let bed: Bed;
let dir: string;
before(() => {
  bed = readBed();
  dir = tempDir('swb-hk-');
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('host keys (real sshd)', () => {
  it('unknown key: asks with the SHA256 fingerprint; accepting records it; the next connect does not ask', async () => {
    const kh = join(dir, 'empty_known_hosts');
    writeFileSync(kh, '');
    const d = deps({ acceptHostKey: true });
    const t = sshTransport(bedProfile(bed, { knownHostsFile: kh }), d);
    try {
      await t.exec(['true']);
    } finally {
      t.dispose();
    }
    assert.deepEqual(d.asked.hostKeys, [{ host: bed.sshHost, port: bed.sshPort, keyType: 'ssh-ed25519', fingerprint: bed.hostKeyFingerprint }]);
    // OpenSSH itself finds the recorded key.
    assert.match(execFileSync('ssh-keygen', ['-F', `[${bed.sshHost}]:${bed.sshPort}`, '-f', kh], { encoding: 'utf8' }), /ssh-ed25519/);
    const d2 = deps({ acceptHostKey: false });
    const t2 = sshTransport(bedProfile(bed, { knownHostsFile: kh }), d2);
    try {
      await t2.exec(['true']);
      assert.equal(d2.asked.hostKeys.length, 0);
    } finally {
      t2.dispose();
    }
  });

  it('unknown key declined: refused, nothing recorded, not retried by later work', async () => {
    const kh = join(dir, 'declined_known_hosts');
    writeFileSync(kh, '');
    const d = deps({ acceptHostKey: false });
    const t = sshTransport(bedProfile(bed, { knownHostsFile: kh }), d);
    try {
      await assert.rejects(t.exec(['true']), (err: unknown) => err instanceof HostKeyError && err.message.includes(bed.hostKeyFingerprint));
      await assert.rejects(t.exec(['true']), HostKeyError);
      assert.equal(d.asked.hostKeys.length, 1);
      assert.equal(readFileSync(kh, 'utf8'), '');
    } finally {
      t.dispose();
    }
  });

  it('a host key question left unanswered gives up after the limit; one that fails is a host key refusal; neither is dialled again', async () => {
    for (const kind of ['unanswered', 'throws'] as const) {
      const kh = join(dir, `${kind}_known_hosts`);
      writeFileSync(kh, '');
      const d = deps();
      let asked = 0;
      d.prompter.confirmUnknownHostKey = () => {
        asked++;
        return kind === 'unanswered' ? new Promise<boolean>(() => undefined) : Promise.reject(new Error('the window is closing'));
      };
      const t = sshTransport(bedProfile(bed, { knownHostsFile: kh }), d, { ssh: { timings: { hostKeyPromptMs: 700 } } });
      try {
        const started = Date.now();
        await assert.rejects(t.exec(['true']), (err: unknown) => err instanceof HostKeyError && (kind === 'unanswered' ? /not confirmed within 1 s/ : /Could not ask whether to trust .*the window is closing/).test(err.message));
        assert.ok(Date.now() - started < 10_000, 'gave up promptly');
        assert.equal(t.state.kind, 'failed');
        await new Promise((r) => setTimeout(r, 1_500));
        await assert.rejects(t.exec(['true']), HostKeyError);
        assert.equal(asked, 1, 'not asked (or dialled) again by itself or by later work');
        assert.equal(readFileSync(kh, 'utf8'), '');
      } finally {
        t.dispose();
      }
    }
  });

  it('changed key: refused without asking; the error has the fingerprint and the ssh-keygen -R fix', async () => {
    const kh = join(dir, 'wrong_known_hosts');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'other')]);
    const otherPub = readFileSync(join(dir, 'other.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
    writeFileSync(kh, `[${bed.sshHost}]:${bed.sshPort} ${otherPub}\n`);
    const d = deps({ acceptHostKey: true });
    const t = sshTransport(bedProfile(bed, { knownHostsFile: kh }), d);
    try {
      await assert.rejects(t.exec(['true']), (err: unknown) => {
        assert.ok(err instanceof HostKeyError, String(err));
        assert.ok(err.message.includes(bed.hostKeyFingerprint), err.message);
        assert.match(err.message, /HOST KEY CHANGED/);
        assert.match(err.hint ?? '', /ssh-keygen -R/);
        return true;
      });
      assert.equal(d.asked.hostKeys.length, 0, 'a changed key is never offered for acceptance');
    } finally {
      t.dispose();
    }
  });
});

describe('ProxyJump (bastion sshd on the jump port → login sshd)', () => {
  it('reaches the cluster through the bastion, resolved from an ssh config alias', async () => {
    const config = parseSshConfig(
      [
        'Host bed-bastion',
        `  HostName ${bed.sshHost}`,
        `  Port ${bed.jumpPort}`,
        `  User ${bed.user}`,
        `  IdentityFile ${bed.identityFile}`,
        'Host bed-login',
        `  HostName ${bed.sshHost}`,
        `  Port ${bed.sshPort}`,
        `  User ${bed.user}`,
        '  ProxyJump bed-bastion',
      ].join('\n'),
    );
    const d = deps();
    const t = sshTransport(bedProfile(bed, { host: 'bed-login', port: undefined, user: undefined }), d, { sshConfig: config });
    try {
      const r = await t.exec(['squeue', '--version']);
      assert.match(r.stdout, /slurm/);
      assert.deepEqual(t.connectionInfo?.hops, [`${bed.user}@${bed.sshHost}:${bed.jumpPort}`, `${bed.user}@${bed.sshHost}:${bed.sshPort}`]);
      // The login node sees the connection coming from the bastion's forwarded channel, not from
      // our socket: our TCP connection goes to the jump port.
      const ss = execFileSync('ss', ['-tnH', 'state', 'established', `( sport = :${t.connectionInfo?.localPort} )`], { encoding: 'utf8' });
      assert.match(ss, new RegExp(`:${bed.jumpPort}\\b`));
    } finally {
      t.dispose();
    }
  });
});
