/**
 * The one shell-quoting helper. Every user-controlled string that reaches a POSIX shell
 * (remote over ssh, or local through bash) goes through here.
 *
 * Single quotes make every byte literal except the single quote itself, which is closed,
 * escaped and reopened: it's -> 'it'\''s'. A NUL byte cannot travel through a shell
 * argument at all, so it is refused rather than silently truncated.
 */
export class UnquotableError extends Error {
  constructor(what: string) {
    super(`Cannot pass ${what} to a shell: it contains a NUL byte. Remove it and try again.`);
    this.name = 'UnquotableError';
  }
}

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function quoteArg(value: string): string {
  if (value.includes('\0')) throw new UnquotableError(JSON.stringify(value.slice(0, 40)));
  // Plain words stay readable in logs; a leading '-' is safe here because quoting never
  // changes how a program parses options: callers put '--' before operands where needed.
  if (value !== '' && SAFE.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Joins argv into one shell command line, every element quoted. */
export function commandLine(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('commandLine: empty argv');
  return argv.map(quoteArg).join(' ');
}
