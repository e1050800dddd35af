/**
 * Runs one local setup command (argv, no shell) with its output streamed line by line, a time budget
 * and cancellation that ends the whole process group (up.sh and docker compose start children).
 * VS Code-free.
 */
import { spawn } from 'node:child_process';
import { CancelledError, UserFacingError } from '../core/errors';
import type { SetupStep } from './bundledCluster';

export interface RunStepOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  onLine(line: string): void;
}

/** Resolves when the command exits 0; otherwise rejects with the last lines it printed. */
export function runStep(step: SetupStep, opts: RunStepOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new CancelledError(step.label));
      return;
    }
    const child = spawn(step.argv[0], step.argv.slice(1), {
      cwd: step.cwd,
      env: { ...process.env, ...step.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so that cancel and timeout reach every child it started.
      detached: true,
    });
    const tail: string[] = [];
    let ending: 'timeout' | 'cancel' | undefined;
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      ending = 'timeout';
      killGroup();
    }, opts.timeoutMs);
    const onAbort = (): void => {
      ending = 'cancel';
      killGroup();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) emit(line);
      });
      stream.on('end', () => {
        if (partial) emit(partial);
        partial = '';
      });
    }
    function emit(line: string): void {
      tail.push(line);
      if (tail.length > 15) tail.shift();
      opts.onLine(line);
    }

    child.on('error', (err) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      reject(new UserFacingError(`${step.label}: cannot run ${step.argv[0]} (${err.message}).`, missing ? `Install ${step.argv[0]} or put it on PATH.` : 'See the Slurm Workbench log.'));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (ending === 'cancel') reject(new CancelledError(step.label));
      else if (ending === 'timeout') {
        reject(new UserFacingError(`${step.label} (${step.argv.join(' ')}) did not finish within ${Math.round(opts.timeoutMs / 1000)} s and was stopped.`, `Its last lines:\n${tail.join('\n')}\nRun it in a terminal to watch it, then run this command again.`));
      }
      else if (code === 0) resolve();
      else {
        reject(new UserFacingError(
          `${step.label} failed (${step.argv.join(' ')} ${code !== null ? `exited with ${code}` : `was killed by ${signal}`}).`,
          `Its last lines:\n${tail.join('\n')}\nThe whole output is in the Slurm Workbench log.`,
        ));
      }
    });
  });
}
