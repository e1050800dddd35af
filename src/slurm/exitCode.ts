/**
 * Exit codes as Slurm prints them: "N:S" — N the exit status of the batch script, S the signal
 * that ended it (0 if none). "0:0" success, "3:0" exit 3, "0:9" killed by SIGKILL (e.g. OOM),
 * "0:15" SIGTERM (time limit, scancel). squeue/scontrol print the same form.
 */
import { FieldFormatError } from './fieldError';

export interface ExitCode {
  code: number;
  signal: number;
}

export function parseExitCode(text: string, field = 'exit code'): ExitCode | undefined {
  if (text === '' || text === 'N/A' || text === '(null)') return undefined;
  const m = /^(\d+):(\d+)$/.exec(text);
  if (!m) throw new FieldFormatError(field, text, 'an exit code like 0:0 or 3:0');
  return { code: Number(m[1]), signal: Number(m[2]) };
}

export function formatExitCode(e: ExitCode): string {
  return `${e.code}:${e.signal}`;
}

/**
 * squeue `-O exit_code` on 22.05 prints the raw wait(2) status (768 = exit 3, 9 = SIGKILL)
 * instead of "N:S"; 24.11 prints "N:S" (see VERSION_DIFFERENCES). Accepts both forms.
 */
const SUCCESS: ExitCode = Object.freeze({ code: 0, signal: 0 });

export function parseExitCodeOrWaitStatus(text: string, field = 'exit code'): ExitCode | undefined {
  // The common cases, thousands of times per listing: "0" (22.05) and "0:0" (24.11).
  if (text === '0' || text === '0:0') return SUCCESS;
  if (/^\d+$/.test(text)) {
    const status = Number(text);
    if (!Number.isSafeInteger(status)) throw new FieldFormatError(field, text, 'a wait status');
    return { code: (status >> 8) & 0xff, signal: status & 0x7f };
  }
  return parseExitCode(text, field);
}
