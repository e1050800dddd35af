/**
 * `#SBATCH` directives read the way sbatch reads them (src/sbatch/opt.c, 22.05):
 * - only lines that start with `#SBATCH` in column 1 are directives;
 * - they count only until the first command: a line whose first non-blank character is not `#`
 *   ends the header, and sbatch silently ignores every `#SBATCH` after it (we warn);
 * - the text after `#SBATCH` is split into arguments like a tiny shell: whitespace separates,
 *   '…' and "…" group, a backslash escapes the next character, an unquoted `#` starts a comment;
 * - the arguments go through getopt_long: `--opt=value`, `--opt value`, unambiguous prefixes of
 *   long names (`--part`), `-Xvalue`, `-X value`, clustered flags (`-Hv`).
 * - a directive line that is only `hetjob` (or the older `packjob`) starts the next component of
 *   a heterogeneous job; the options after it belong to that component.
 * Positions are kept so that diagnostics and hovers can point at the exact text. VS Code-free.
 */
import { optionByLong, optionByShort, type SbatchOption } from '../slurm/sbatchOptions';

export const DIRECTIVE_PREFIX = '#SBATCH';

/** `#SBATCH hetjob` (or the pre-20.02 `packjob`): the next component of a heterogeneous job starts. */
const HETJOB_SEPARATOR = /^\s+(?:hetjob|packjob)\s*(?:#.*)?$/i;

export interface Directive {
  /** Canonical long name, e.g. "job-name" (also when written `-J` or `--job`). */
  option: string;
  /** The value (quotes and escapes removed); undefined for flags. */
  value?: string;
  /** As written: "-J", "--job-name", "--part". */
  spelled: string;
  /** 0-based line number. */
  line: number;
  /** Columns of the option as written (start inclusive, end exclusive). */
  start: number;
  end: number;
  /** Columns of the value's source text, when it has one. */
  valueStart?: number;
  valueEnd?: number;
  /** Component of a heterogeneous job (after the n-th `#SBATCH hetjob`); absent for the first. */
  component?: number;
}

export type ProblemCode =
  | 'unknownOption'
  | 'ambiguousOption'
  | 'missingValue'
  | 'unexpectedValue'
  | 'notAnOption'
  | 'afterFirstCommand'
  | 'indentedDirective'
  | 'unterminatedQuote'
  | 'dosLineBreaks'
  | 'deprecatedSeparator';

export interface DirectiveProblem {
  code: ProblemCode;
  severity: 'error' | 'warning';
  line: number;
  start: number;
  end: number;
  message: string;
}

export interface ParsedScript {
  /** Directives sbatch will apply, in order (a later one overrides an earlier one of the same option). */
  directives: Directive[];
  problems: DirectiveProblem[];
  /** 0-based line of the first command (sbatch stops reading directives there); lines.length when none. */
  firstCommandLine: number;
  /** The `#!` line, when line 0 is one. */
  shebang?: string;
  /** Components of a heterogeneous job: 1 for an ordinary job. */
  components: number;
}

interface Token {
  text: string;
  start: number;
  end: number;
}

/** Splits the text after `#SBATCH` into arguments (sbatch's get_argument), with source columns. */
export function splitDirectiveArguments(line: string, from: number): { tokens: Token[]; unterminated: boolean } {
  const tokens: Token[] = [];
  let i = from;
  const n = line.length;
  while (i < n) {
    while (i < n && isSpace(line[i])) i++;
    if (i >= n) break;
    const start = i;
    let text = '';
    let quote: string | undefined;
    let comment = false;
    while (i < n && (quote !== undefined || !isSpace(line[i]))) {
      const c = line[i];
      if (c === '\\' && i + 1 < n) {
        text += line[i + 1];
        i += 2;
        continue;
      }
      if (c === '\\') {
        i++;
        continue;
      }
      if (quote !== undefined) {
        if (c === quote) quote = undefined;
        else text += c;
        i++;
        continue;
      }
      if (c === '"' || c === "'") {
        quote = c;
        i++;
        continue;
      }
      if (c === '#') {
        comment = true;
        break;
      }
      text += c;
      i++;
    }
    // An empty quoted argument ("") is still an argument; a `#` right at the start is not.
    if (i > start) tokens.push({ text, start, end: i });
    if (quote !== undefined) return { tokens, unterminated: true };
    if (comment) break;
  }
  return { tokens, unterminated: false };
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\v' || c === '\f' || c === '\n';
}

/** True when the line is a command for sbatch's purposes (first non-blank character is not `#`). */
export function isCommandLine(line: string): boolean {
  for (const c of line) {
    if (isSpace(c)) continue;
    return c !== '#';
  }
  return false;
}

export function parseScript(text: string): ParsedScript {
  const lines = text.split('\n');
  const directives: Directive[] = [];
  const problems: DirectiveProblem[] = [];
  let firstCommandLine = lines.length;
  let components = 1;
  if (text.includes('\r\n')) {
    const line = lines.findIndex((l) => l.endsWith('\r'));
    problems.push({
      code: 'dosLineBreaks',
      severity: 'error',
      line,
      start: Math.max(0, lines[line].length - 1),
      end: lines[line].length,
      message: 'The script has DOS line breaks (\\r\\n): sbatch refuses such scripts. Switch the file to LF line endings.',
    });
  }

  for (let lineNo = 0; lineNo < lines.length; lineNo++) {
    const line = lines[lineNo];
    const isDirective = line.startsWith(DIRECTIVE_PREFIX);
    if (firstCommandLine < lines.length) {
      if (isDirective) {
        problems.push({
          code: 'afterFirstCommand',
          severity: 'warning',
          line: lineNo,
          start: 0,
          end: line.trimEnd().length,
          message: `sbatch ignores this directive: it comes after the first command (line ${firstCommandLine + 1}). Move it above that line.`,
        });
      }
      continue;
    }
    if (!isDirective) {
      if (isCommandLine(line)) {
        firstCommandLine = lineNo;
        continue;
      }
      const indented = /^[ \t]+#SBATCH/.exec(line);
      if (indented) {
        const at = indented[0].length - DIRECTIVE_PREFIX.length;
        problems.push({
          code: 'indentedDirective',
          severity: 'warning',
          line: lineNo,
          start: at,
          end: line.trimEnd().length,
          message: 'Not a directive: sbatch only reads #SBATCH at the very start of a line. Remove the indentation.',
        });
      }
      continue;
    }
    if (HETJOB_SEPARATOR.test(line.slice(DIRECTIVE_PREFIX.length))) {
      components++;
      const old = /packjob/i.exec(line);
      if (old) {
        problems.push({ code: 'deprecatedSeparator', severity: 'warning', line: lineNo, start: old.index, end: old.index + old[0].length, message: 'sbatch warns that "packjob" is deprecated: write "hetjob".' });
      }
      continue;
    }
    const from = directives.length;
    parseDirectiveLine(line, lineNo, directives, problems);
    if (components > 1) for (const d of directives.slice(from)) d.component = components - 1;
  }

  const shebang = lines[0]?.startsWith('#!') ? lines[0].replace(/\r$/, '') : undefined;
  return { directives, problems, firstCommandLine, components, ...(shebang !== undefined ? { shebang } : {}) };
}

function parseDirectiveLine(line: string, lineNo: number, directives: Directive[], problems: DirectiveProblem[]): void {
  const { tokens, unterminated } = splitDirectiveArguments(line, DIRECTIVE_PREFIX.length);
  const problem = (code: ProblemCode, start: number, end: number, message: string, severity: 'error' | 'warning' = 'error') =>
    problems.push({ code, severity, line: lineNo, start, end, message });
  if (unterminated) problem('unterminatedQuote', DIRECTIVE_PREFIX.length, line.length, 'Unterminated quote: sbatch reads the rest of the line as one value. Close the quote.');

  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t];
    const add = (option: SbatchOption, spelled: string, start: number, end: number, value?: Token | { text: string; start: number; end: number }) => {
      const d: Directive = { option: option.long, spelled, line: lineNo, start, end };
      if (value) {
        d.value = value.text;
        d.valueStart = value.start;
        d.valueEnd = value.end;
      }
      directives.push(d);
    };
    if (tok.text.startsWith('--') && tok.text.length > 2) {
      const eq = tok.text.indexOf('=');
      const name = eq < 0 ? tok.text.slice(2) : tok.text.slice(2, eq);
      const spelled = `--${name}`;
      // Columns of the name in the source: exact when the token was written plainly (the common case).
      const nameEnd = tok.start + (line.slice(tok.start, tok.end).indexOf('=') >= 0 ? line.slice(tok.start, tok.end).indexOf('=') : tok.end - tok.start);
      const found = optionByLong(name);
      if (!found.option) {
        if (found.ambiguous) {
          problem('ambiguousOption', tok.start, nameEnd, `Option ${spelled} is ambiguous (${found.ambiguous.map((x) => `--${x.long}`).join(', ')}): write the full name.`);
        } else {
          problem('unknownOption', tok.start, nameEnd, `Unknown sbatch option ${spelled}: sbatch will refuse the script.`);
        }
        continue;
      }
      const option = found.option;
      if (eq >= 0) {
        if (option.arg === 'none') {
          problem('unexpectedValue', tok.start, tok.end, `--${option.long} takes no value.`);
          continue;
        }
        add(option, spelled, tok.start, nameEnd, { text: tok.text.slice(eq + 1), start: nameEnd + 1, end: tok.end });
      } else if (option.arg === 'required') {
        const next = tokens[t + 1];
        if (!next) {
          problem('missingValue', tok.start, tok.end, `--${option.long} needs a value${option.value ? ` (${option.value})` : ''}.`);
          continue;
        }
        t++;
        add(option, spelled, tok.start, tok.end, next);
      } else {
        add(option, spelled, tok.start, tok.end);
      }
      continue;
    }
    if (tok.text.startsWith('-') && tok.text.length > 1 && tok.text !== '--') {
      // A cluster of short options: flags until one that takes a value swallows the rest.
      for (let k = 1; k < tok.text.length; k++) {
        const letter = tok.text[k];
        const option = optionByShort(letter);
        const col = Math.min(tok.start + k, tok.end - 1);
        if (!option) {
          problem('unknownOption', col - (k === 1 ? 1 : 0), col + 1, `Unknown sbatch option -${letter}: sbatch will refuse the script.`);
          break;
        }
        if (option.arg === 'none') {
          add(option, `-${letter}`, col - (k === 1 ? 1 : 0), col + 1);
          continue;
        }
        const rest = tok.text.slice(k + 1);
        if (rest !== '') {
          add(option, `-${letter}`, col - (k === 1 ? 1 : 0), col + 1, { text: rest, start: col + 1, end: tok.end });
        } else if (option.arg === 'required') {
          const next = tokens[t + 1];
          if (!next) problem('missingValue', tok.start, tok.end, `-${letter} (--${option.long}) needs a value${option.value ? ` (${option.value})` : ''}.`);
          else {
            t++;
            add(option, `-${letter}`, col - (k === 1 ? 1 : 0), col + 1, next);
          }
        } else {
          add(option, `-${letter}`, col - (k === 1 ? 1 : 0), col + 1);
        }
        break;
      }
      continue;
    }
    problem('notAnOption', tok.start, tok.end, `"${tok.text}" is not an option: sbatch refuses directives that do not start with "-". Quote values that contain spaces.`);
  }
}

/** The effective value of each option of one component (the first by default): the last directive wins, as with getopt. */
export function effectiveDirectives(directives: readonly Directive[], component = 0): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const d of directives) if ((d.component ?? 0) === component) out.set(d.option, d.value);
  return out;
}
