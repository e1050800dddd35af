// The bootstrap that keeps every command away from the login shell's grammar, and the gate that
// drops what startup files print before a command's own output. The bootstrap is run here through
// every login shell installed on this machine (bash, dash, and tcsh/zsh/fish where present) with a
// real process, exactly as sshd runs it: `$SHELL -c BOOTSTRAP`, the framed script on stdin.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { BOOTSTRAP_COMMAND, MarkerGate, frameScript, newMarker } from '../../src/transport/remoteScript';
import { commandLine } from '../../src/core/shellQuote';

const shells = ['/bin/bash', '/bin/dash', '/bin/sh', '/usr/bin/tcsh', '/bin/tcsh', '/usr/bin/zsh', '/bin/zsh', '/usr/bin/fish', '/bin/csh'].filter((s) => existsSync(s));

describe('BOOTSTRAP_COMMAND', () => {
  it('holds nothing a login shell could read differently', () => {
    assert.doesNotMatch(BOOTSTRAP_COMMAND, /[!\\\n`]/);
    assert.ok(BOOTSTRAP_COMMAND.startsWith('exec /bin/sh -c '));
  });

  for (const shell of shells) {
    it(`under ${shell}: runs the framed script in sh, then hands the rest of stdin to the command`, () => {
      const marker = newMarker();
      const hostile = "it's a \"line\"\nwith ! and $(touch /tmp/swb-pwned) and `x` =cmd %1 ~ *";
      const script = `${commandLine(['printf', '%s|', hostile])}; cat; echo "[$0]" >&2; exit 7`;
      const framed = frameScript(script, marker);
      const res = spawnSync(shell, ['-c', BOOTSTRAP_COMMAND], { input: Buffer.concat([framed, Buffer.from('from stdin')]) });
      const out = new MarkerGate(marker);
      const err = new MarkerGate(marker);
      const stdout = Buffer.concat([out.push(res.stdout), out.flush()]).toString();
      const stderr = Buffer.concat([err.push(res.stderr), err.flush()]).toString();
      assert.equal(stdout, `${hostile}|from stdin`);
      assert.equal(stderr, '[/bin/sh]\n');
      assert.equal(res.status, 7);
      assert.equal(err.pid, res.pid, 'the pid reported is the login process itself (exec keeps it)');
      assert.equal(existsSync('/tmp/swb-pwned'), false);
    });
  }
});

describe('MarkerGate', () => {
  const marker = '@swb-0123456789ab';
  it('drops a banner before the marker, split across chunks, and keeps what follows', () => {
    const gate = new MarkerGate(marker);
    const parts = ['Welcome to HPC!\nNo newline at end', ` ${marker.slice(0, 7)}`, `${marker.slice(7)} 4242`, '\nreal output\n'];
    const got = Buffer.concat(parts.map((p) => gate.push(Buffer.from(p)))).toString();
    assert.equal(got, 'real output\n');
    assert.equal(gate.pid, 4242);
    assert.equal(gate.noise.toString(), 'Welcome to HPC!\nNo newline at end ');
  });
  it('passes output through unchanged after the marker', () => {
    const gate = new MarkerGate(marker);
    assert.equal(gate.push(Buffer.from(`${marker}\n`)).length, 0);
    assert.equal(gate.pid, undefined);
    assert.equal(gate.push(Buffer.from(`${marker}\nagain`)).toString(), `${marker}\nagain`);
  });
  it('gives everything back when the marker never came (the login failed first)', () => {
    const gate = new MarkerGate(marker);
    assert.equal(gate.push(Buffer.from('sh: not found\n')).length, 0);
    assert.equal(gate.flush().toString(), 'sh: not found\n');
  });
});
