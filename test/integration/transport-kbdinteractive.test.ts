// Keyboard-interactive with TWO rounds (password, then a 2FA code), as sites with OTP ask.
// The bundled sshd's PAM asks a single "Password:" round, so this runs against an in-process
// ssh2 Server — a stand-in for a 2FA server that cannot exist here. Host key verification and
// every client code path are the real ones.
import { execFileSync, spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Server } from 'ssh2';
import { parseProfile } from '../../src/config/profile';
import { deps, sshTransport, tempDir } from './transport-support';

const PASSWORD = 'first-factor-pw';
const CODE = '493817';

let dir: string;
let server: Server;
let port: number;
let hostPub: string;

before(async () => {
  dir = tempDir('swb-kbd-');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host')]);
  hostPub = readFileSync(join(dir, 'host.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
  server = new Server({ hostKeys: [readFileSync(join(dir, 'host'))] }, (client) => {
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'keyboard-interactive') return ctx.reject(['keyboard-interactive']);
      ctx.prompt([{ prompt: 'Password: ', echo: false }], 'Login', 'Round 1 of 2', (a1) => {
        if (a1[0] !== PASSWORD) return ctx.reject();
        ctx.prompt([{ prompt: 'Verification code: ', echo: true }], 'Two-factor', 'Enter the code from your app', (a2) => {
          if (a2[0] === CODE) ctx.accept();
          else ctx.reject();
        });
      });
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        // Runs the command as sshd would: the login shell (here /bin/sh) with the channel as stdio.
        session.on('exec', (acceptExec, _reject, info) => {
          const stream = acceptExec();
          const child = spawn('/bin/sh', ['-c', info.command], { stdio: ['pipe', 'pipe', 'pipe'] });
          stream.pipe(child.stdin);
          child.stdin.on('error', () => undefined);
          child.stdout.pipe(stream, { end: false });
          child.stderr.pipe(stream.stderr, { end: false });
          child.once('close', (code) => {
            stream.exit(code ?? 1);
            stream.end();
          });
        });
      });
    });
    client.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
  writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostPub}\n`);
});

after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

const profile = () => {
  const r = parseProfile({ name: 'otp', host: '127.0.0.1', port, user: 'alice', auth: 'keyboard-interactive', knownHostsFile: join(dir, 'known_hosts') });
  if (!r.ok) throw new Error(r.problem.message);
  return r.profile;
};

describe('keyboard-interactive, two rounds (in-process ssh2 Server)', () => {
  it('forwards both rounds to the prompter and logs in; answers never reach the log', async () => {
    const d = deps({ rounds: [[PASSWORD], [CODE]] });
    const t = sshTransport(profile(), d);
    try {
      const r = await t.exec(['hostname']);
      assert.equal(r.stdout, `${hostname()}\n`);
      assert.deepEqual(
        d.asked.rounds.map((x) => [x.name, x.instructions, x.prompts.map((p) => `${p.prompt}|${p.echo}`)]),
        [
          ['Login', 'Round 1 of 2', ['Password: |false']],
          ['Two-factor', 'Enter the code from your app', ['Verification code: |true']],
        ],
      );
      const log = d.lines.join('\n');
      assert.ok(!log.includes(PASSWORD) && !log.includes(CODE));
      assert.equal(d.secretsMap.map.size, 0, '2FA answers are never stored');
    } finally {
      t.dispose();
    }
  });

  it('a cancelled second round ends the login once, without looping', async () => {
    const d = deps({ rounds: [[PASSWORD]] }); // round 2 → undefined (cancel)
    const t = sshTransport(profile(), d);
    try {
      await assert.rejects(t.exec(['true']), /cancelled/);
      assert.equal(d.asked.rounds.length, 2);
      await assert.rejects(t.exec(['true']), /cancelled/);
      assert.equal(d.asked.rounds.length, 2, 'automatic work does not ask again');
    } finally {
      t.dispose();
    }
  });
});
