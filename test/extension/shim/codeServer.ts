// Starts and stops one code-server (a real VS Code server with a Node extension host) on a free
// 127.0.0.1 port, in its own process group so that stopping it also ends its extension hosts.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { codeServerEntry, node24Bin } from './tools';

export interface CodeServerOptions {
  userDataDir: string;
  extensionsDir: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
}

export interface RunningCodeServer {
  url: string;
  /** The process group of code-server and its extension hosts. */
  pgid: number | undefined;
  /** Resolves with a description when the process ends, whoever ended it. */
  exited: Promise<string>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startCodeServer(opts: CodeServerOptions): Promise<RunningCodeServer> {
  const port = await freePort();
  const args = [
    codeServerEntry,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--user-data-dir', opts.userDataDir,
    '--extensions-dir', opts.extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    // Without it a built workbench ignores test payloads (extensionTestsPath).
    '--vscode-option', 'enable-smoke-test-driver',
  ];
  const log = fs.openSync(opts.logFile, 'a');
  const child = spawn(node24Bin, args, { env: opts.env, stdio: ['ignore', log, log], detached: true });
  fs.closeSync(log);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(`code-server exited (${signal ?? `code ${code}`})`));
    child.once('error', (err) => resolve(`code-server failed to start: ${err.message}`));
  });
  const url = `http://127.0.0.1:${port}`;
  const server: RunningCodeServer = { url, pgid: child.pid, exited, stop: () => stopProcessGroup(child, exited) };
  try {
    await waitForHealthz(url, exited, 60_000);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

async function waitForHealthz(url: string, exited: Promise<string>, timeoutMs: number): Promise<void> {
  let exitReason: string | undefined;
  void exited.then((reason) => (exitReason = reason));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitReason) throw new Error(`${exitReason} before answering ${url}/healthz`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs / 1000} s`);
}

/** SIGTERM to the whole group, SIGKILL after a grace period; resolves once the leader is gone. */
async function stopProcessGroup(child: ChildProcess, exited: Promise<string>): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) {
    killGroup(pid, 'SIGKILL'); // leftovers of an already-exited leader, if any
    return;
  }
  killGroup(pid, 'SIGTERM');
  const gone = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
  // The extension host may outlive the server for a moment: make sure nothing of the group remains.
  killGroup(pid, 'SIGKILL');
  if (!gone) await exited;
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already empty
  }
}
