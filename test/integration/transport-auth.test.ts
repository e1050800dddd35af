// Logging in to the bundled cluster's REAL sshd (127.0.0.1:2222) with key, password,
// keyboard-interactive (sshd's PAM asks one "Password:" round) and ssh-agent (a real ssh-agent
// started here). Two-round keyboard-interactive needs a server that asks two rounds: sshd's PAM
// here asks one, so that case runs against an in-process ssh2 Server (stated in its test name).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readBed, type Bed } from './bed';
import { bedProfile, deps, sshTransport, tempDir } from './transport-support';
import { AuthFailedError } from '../../src/transport/sshAuth';

let bed: Bed;
before(() => {
  bed = readBed();
});

describe('login to the real sshd', () => {
  it('key: runs a command over the connection', async () => {
    const d = deps();
    const t = sshTransport(bedProfile(bed, { auth: 'key' }), d);
    try {
      const r = await t.exec(['id', '-un']);
      assert.equal(r.stdout.trim(), bed.user);
      assert.equal(r.code, 0);
      assert.equal(t.state.kind, 'connected');
      assert.deepEqual(d.asked.passwords, []);
    } finally {
      t.dispose();
    }
  });

  it('password: asks once, remembers it in the secret store, never logs it', async () => {
    const d = deps({ password: bed.password });
    const profile = bedProfile(bed, { auth: 'password', identityFile: undefined });
    const t = sshTransport(profile, d);
    try {
      assert.equal((await t.exec(['id', '-un'])).stdout.trim(), bed.user);
      assert.equal(d.asked.passwords.length, 1);
      assert.deepEqual([...d.secretsMap.map.values()], [bed.password]);
    } finally {
      t.dispose();
    }
    // A new connection uses the remembered password without asking.
    const d2 = deps();
    for (const [k, v] of d.secretsMap.map) await d2.secrets.store(k, v);
    const t2 = sshTransport(profile, d2);
    try {
      assert.equal((await t2.exec(['id', '-un'])).stdout.trim(), bed.user);
      assert.equal(d2.asked.passwords.length, 0);
    } finally {
      t2.dispose();
    }
    const everything = [...d.lines, ...d2.lines].join('\n');
    assert.ok(d.lines.length > 0, 'the logger sink saw the session');
    assert.ok(!everything.includes(bed.password), 'the password never reaches the log sink');
  });

  it('wrong password: fails once with a clear error, is not retried, and later work fails fast without asking', async () => {
    const d = deps({ password: 'definitely-wrong-pw' });
    const t = sshTransport(bedProfile(bed, { auth: 'password', identityFile: undefined }), d);
    try {
      await assert.rejects(t.exec(['true']), (err: unknown) => {
        assert.ok(err instanceof AuthFailedError, String(err));
        assert.match(err.message, /rejected/);
        assert.ok(!err.message.includes('definitely-wrong-pw'));
        return true;
      });
      const asked = d.asked.passwords.length + d.asked.rounds.length;
      assert.equal(asked, 1, 'one question, no retry loop');
      assert.equal(t.state.kind, 'failed');
      // An automatic caller (the poller) must not trigger another login attempt.
      await assert.rejects(t.exec(['true']), AuthFailedError);
      assert.equal(d.asked.passwords.length + d.asked.rounds.length, 1);
      assert.ok(!d.lines.join('\n').includes('definitely-wrong-pw'));
    } finally {
      t.dispose();
    }
  });

  it('keyboard-interactive (one PAM round from sshd): the prompt reaches the prompter', async () => {
    const d = deps({ rounds: [[bed.password]] });
    const t = sshTransport(bedProfile(bed, { auth: 'keyboard-interactive', identityFile: undefined }), d);
    try {
      assert.equal((await t.exec(['id', '-un'])).stdout.trim(), bed.user);
      assert.equal(d.asked.rounds.length, 1);
      assert.match(d.asked.rounds[0].prompts[0].prompt, /Password/);
      assert.equal(d.asked.rounds[0].prompts[0].echo, false);
      assert.ok(!d.lines.join('\n').includes(bed.password));
    } finally {
      t.dispose();
    }
  });

  describe('ssh-agent', () => {
    let agent: ChildProcess;
    let dir: string;
    let sock: string;
    before(async () => {
      dir = tempDir('swb-agent-');
      sock = join(dir, 'agent.sock');
      agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
      for (let i = 0; i < 50 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
      execFileSync('ssh-add', [bed.identityFile], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
    });
    after(() => {
      agent.kill();
      rmSync(dir, { recursive: true, force: true });
    });

    it('agent: logs in with the key held by a real ssh-agent, no key file given', async () => {
      const d = deps();
      const t = sshTransport(bedProfile(bed, { auth: 'agent', identityFile: undefined }), d, { env: { agentSocket: sock } });
      try {
        assert.equal((await t.exec(['id', '-un'])).stdout.trim(), bed.user);
      } finally {
        t.dispose();
      }
    });
  });
});
