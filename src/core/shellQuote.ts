/**
 * The one shell-quoting helper. Every user-controlled string that reaches a POSIX shell
 * (remote over ssh, or local through bash) goes through here.
 *
 * Single quotes make every byte literal except the single quote itself, which is closed,
 * escaped and reopened: it's -> 'it'\''s'. A NUL byte cannot travel through a shell
 * argument at all, so it is refused rather than silently truncated. A lone UTF-16 surrogate has
 * no UTF-8 form: encoding it for the wire would quietly turn it into U+FFFD, so a file or job name
 * would arrive as a different name; it is refused too.
 */
export class UnquotableError extends Error {
  constructor(what: string, problem = 'it contains a NUL byte. Remove it and try again.') {
    super(`Cannot pass ${what} to a shell: ${problem}`);
    this.name = 'UnquotableError';
  }
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function refuseLoneSurrogate(value: string): void {
  const m = LONE_SURROGATE.exec(value);
  if (!m) return;
  const unit = m[0].charCodeAt(0).toString(16).toUpperCase();
  throw new UnquotableError(
    JSON.stringify(value.slice(0, 40)),
    `it contains a lone UTF-16 surrogate (\\u${unit} at position ${m.index}), which has no UTF-8 form and would arrive as U+FFFD. Fix the name or text (often a broken copy and paste) and try again.`,
  );
}

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function quoteArg(value: string): string {
  if (value.includes('\0')) throw new UnquotableError(JSON.stringify(value.slice(0, 40)));
  refuseLoneSurrogate(value);
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
