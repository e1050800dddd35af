/**
 * A Slurm call is plain data: a name for messages, the argv to run, and a pure parser.
 * Builders (squeue.ts, sacct.ts, ...) make calls; `runCall` is the only thing that runs one.
 * Every value in argv is its own element; the transport quotes them (core/shellQuote).
 */
import type { CommandEnvironment, ExecResult, Transport } from '../transport/types';
import { SlurmCommandError } from './errors';

export interface SlurmCallOutput {
  stdout: string;
  stderr: string;
}

export interface SlurmCall<T> {
  /** Short label for errors and logs, e.g. "squeue" or "scontrol hold". */
  readonly name: string;
  readonly argv: readonly string[];
  /** Pure: output in, typed value out. Throws only SlurmParseError. */
  parse(output: SlurmCallOutput): T;
  /**
   * Exit codes other than 0 that still carry a parseable answer. Rare; e.g. none of ours today,
   * kept so a call can opt in without a special runner.
   */
  readonly okExitCodes?: readonly number[];
  /**
   * A failure that is really an answer, e.g. `squeue --jobs=<one unknown id>` exits 1 with
   * "Invalid job id specified" where several unknown ids give an empty list. Returns the answer,
   * or undefined to let the failure stand.
   */
  recover?(output: SlurmCallOutput & { code: number | null }): T | undefined;
  /**
   * Safe to run twice (a query). Defaults to true for squeue/sacct/sinfo/scontrol show|write and
   * the probes; the transport then retries it once when its channel or connection is lost.
   */
  readonly idempotent?: boolean;
  /** The command's environment (see CommandEnvironment); default `pinned`. */
  readonly environment?: CommandEnvironment;
}

const READ_ONLY_COMMANDS = new Set(['squeue', 'sacct', 'sinfo', 'date', 'id']);

export function isReadOnlyArgv(argv: readonly string[]): boolean {
  const i = argv.findIndex((a) => a !== 'env' && !a.includes('='));
  const cmd = argv[i];
  if (cmd === undefined) return false;
  if (READ_ONLY_COMMANDS.has(cmd)) return true;
  return cmd === 'scontrol' && (argv[i + 1] === 'show' || argv[i + 1] === 'write' || argv[i + 1] === 'ping');
}

export interface RunCallOptions {
  /** Default 30 s (slurm.commandTimeoutSeconds). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export const DEFAULT_SLURM_TIMEOUT_MS = 30_000;

/** Runs the call through the transport; non-zero exit becomes SlurmCommandError with stderr verbatim. */
export async function runCall<T>(transport: Transport, call: SlurmCall<T>, options: RunCallOptions = {}): Promise<T> {
  const idempotent = call.idempotent ?? isReadOnlyArgv(call.argv);
  const exec = (): Promise<ExecResult> =>
    transport.exec(call.argv, { timeoutMs: options.timeoutMs ?? DEFAULT_SLURM_TIMEOUT_MS, signal: options.signal, label: call.name, idempotent, ...(call.environment ? { environment: call.environment } : {}) });
  let result = await exec();
  // A channel that closed with neither an exit status nor a signal leaves us unable to tell whether
  // the output is whole (the transport once lost fast commands' exit statuses this way). A query is
  // simply asked again; an action is reported, never repeated.
  if (result.code === null && result.signal === undefined && idempotent && !options.signal?.aborted) result = await exec();
  return parseResult(call, result);
}

/** The runner's decision, separate from I/O so it can be tested on recorded results. */
export function parseResult<T>(call: SlurmCall<T>, result: ExecResult): T {
  const ok = result.code === 0 || (result.code !== null && (call.okExitCodes ?? []).includes(result.code));
  if (!ok) {
    const recovered = call.recover?.({ stdout: result.stdout, stderr: result.stderr, code: result.code });
    if (recovered !== undefined) return recovered;
  }
  if (!ok) throw new SlurmCommandError(call.name, call.argv, result.code, result.stderr, result.stdout);
  return call.parse({ stdout: result.stdout, stderr: result.stderr });
}
