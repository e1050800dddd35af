// The ProxyCommand stream on its own, with real commands through the real /bin/sh (no cluster):
// bytes relayed both ways, a failing command's exit and stderr in the error and the log, and
// the command stopped when the connection is done with it.
import { once } from 'node:events';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Logger } from '../../src/core/logger';
import { ProxyCommandError, spawnProxyCommand } from '../../src/transport/proxyCommand';

function capture(): { logger: Logger; lines: string[] } {
  const logger = new Logger();
  const lines: string[] = [];
  logger.setSink({ log: (level, message) => lines.push(`${level} ${message}`) });
  return { logger, lines };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, done: () => boolean, budgetMs = 10_000): Promise<void> {
  const end = Date.now() + budgetMs;
  while (!done()) {
    if (Date.now() > end) assert.fail(`still waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('ProxyCommand stream', () => {
  it('relays stdin and stdout (cat), then ends without an error', async () => {
    const { logger } = capture();
    const s = spawnProxyCommand({ command: 'cat', label: 'u@h:22', logger });
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.write('SSH-2.0-hello\r\n');
    s.end();
    await once(s, 'end');
    assert.equal(Buffer.concat(chunks).toString(), 'SSH-2.0-hello\r\n');
  });

  it('a command failing before any byte: ProxyCommandError with its exit code and stderr, stderr also logged', async () => {
    const { logger, lines } = capture();
    const s = spawnProxyCommand({ command: `sh -c 'echo "channel 0: open failed: connect failed: Connection refused" >&2; exit 3'`, label: 'u@h:22', logger });
    s.resume();
    const [err] = (await once(s, 'error')) as [Error];
    assert.ok(err instanceof ProxyCommandError, String(err));
    assert.match(err.message, /ProxyCommand for u@h:22 exited with code 3 before the server answered: sh -c/);
    assert.match(err.message, /Its error output:\nchannel 0: open failed: connect failed: Connection refused/);
    assert.ok(lines.includes('info [u@h:22] ProxyCommand: channel 0: open failed: connect failed: Connection refused'), lines.join('\n'));
  });

  it('a command that does not exist: the shell says so and the error carries it', async () => {
    const s = spawnProxyCommand({ command: 'no-such-proxy-tool-xyz %h', label: 'u@h:22', logger: capture().logger });
    s.resume();
    const [err] = (await once(s, 'error')) as [Error];
    assert.ok(err instanceof ProxyCommandError);
    assert.match(err.message, /exited with code 127/);
    assert.match(err.message, /no-such-proxy-tool-xyz.*not found/);
  });

  it('exit 0 without relaying anything is a failure too (nothing ever answered)', async () => {
    const s = spawnProxyCommand({ command: 'true', label: 'u@h:22', logger: capture().logger });
    s.resume();
    const [err] = (await once(s, 'error')) as [Error];
    assert.match(err.message, /exited with code 0 before the server answered.*\(it wrote no error output\)/s);
  });

  it('a command that ignores the end of its input is stopped once the connection ends; destroy stops it at once', async () => {
    const ending = spawnProxyCommand({ command: 'sleep 60', label: 'u@h:22', logger: capture().logger });
    ending.on('error', () => undefined);
    const pid = ending.pid as number;
    assert.ok(alive(pid));
    ending.end();
    await until('sleep stopped after end()', () => !alive(pid));

    const destroyed = spawnProxyCommand({ command: 'sleep 60', label: 'u@h:22', logger: capture().logger });
    const pid2 = destroyed.pid as number;
    destroyed.destroy();
    await until('sleep stopped after destroy()', () => !alive(pid2), 2_000);
  });
});
