/**
 * Splitting Slurm's text output into records without trusting spaces, pipes or newlines.
 *
 * Separator choice: ASCII 0x1F (Unit Separator) between fields and 0x1E (Record Separator) at the
 * end of each squeue record. They are control characters no job name, path or command line
 * realistically contains (a user would have to type them deliberately), they are plain ASCII so
 * sacct --delimiter accepts them, and they travel through the shell untouched inside quotes. The
 * record terminator lets squeue records contain newlines (a job name can).
 */
import { z } from 'zod';
import { lazySchema } from '../core/lazySchema';
import { SlurmParseError } from './errors';
import { FieldFormatError } from './fieldError';

export const FIELD_SEP = '\x1f';
export const RECORD_END = '\x1e';

/**
 * squeue-style output: every record is `f1 SEP f2 SEP ... fN END \n`. Calls `convert` with
 * exactly `fieldCount` strings per record, one record at a time (so a 10,000-row listing never
 * holds all its pieces at once), and wraps any failure in a SlurmParseError naming the record.
 *
 * With `headFields` > 0, a record whose text after its first `headFields` fields is byte for byte
 * the previous record's is not split again: only the head fields are sliced, the others keep the
 * previous record's values, and `convert` is told (`sameTail`), so it can reuse its previous
 * result. A big queue is mostly such rows (a thousand jobs submitted by one script differ only in
 * their ids): one compare instead of thirty slices and conversions per row.
 */
export function mapTerminatedRecords<T>(
  call: string,
  stdout: string,
  fieldCount: number,
  convert: (fields: string[], sameTail: boolean) => T,
  headFields = 0,
): T[] {
  const out: T[] = [];
  const end = `${RECORD_END}\n`;
  // One array reused for every record (convert must not keep it): on 10,000 rows, slicing fields
  // straight out of stdout is about twice as fast as splitting each record. A field equal to the
  // same column of the previous record reuses that string instead of slicing a new one: in a big
  // queue most columns repeat (user, state, partition, limits, work dir...), so this saves most
  // allocations (and GC), and the memo lookups downstream hit strings whose hash V8 has cached.
  const fields = new Array<string>(fieldCount).fill('');
  const last = fieldCount - 1;
  let pos = 0;
  let n = 0;
  const take = (k: number, from: number, to: number) => {
    const prev = fields[k];
    const len = to - from;
    // Short fields only (longer ones are sliced without copying anyway); the last character
    // first, where ids and timestamps of consecutive rows differ.
    if (prev.length === len && len <= 32 && (len === 0 || prev.charCodeAt(len - 1) === stdout.charCodeAt(to - 1))) {
      let i = 0;
      while (i < len && prev.charCodeAt(i) === stdout.charCodeAt(from + i)) i++;
      if (i === len) return;
    }
    fields[k] = stdout.slice(from, to);
  };
  // The previous fully split record's tail (text after its head fields), as a slice of stdout.
  let prevTail: string | undefined;
  for (;;) {
    const stop = stdout.indexOf(end, pos);
    if (stop < 0) break;
    n++;
    let p = pos;
    let k = 0;
    while (k < headFields) {
      const e = stdout.indexOf(FIELD_SEP, p);
      if (e < 0 || e > stop) break;
      take(k++, p, e);
      p = e + 1;
    }
    // Compared as a slice: V8 compares two flat strings natively, startsWith() goes char by char.
    if (k === headFields && prevTail !== undefined && stop - p === prevTail.length && stdout.slice(p, stop) === prevTail) {
      pos = stop + end.length;
      out.push(convertOne(call, fields, n, convert, true));
      continue;
    }
    const tailStart = p;
    while (k < last) {
      const e = stdout.indexOf(FIELD_SEP, p);
      if (e < 0 || e > stop) break;
      take(k++, p, e);
      p = e + 1;
    }
    const extra = stdout.indexOf(FIELD_SEP, p);
    if (k !== last || (extra >= 0 && extra < stop)) {
      const record = stdout.slice(pos, stop);
      throw new SlurmParseError(call, `expected ${fieldCount} fields, found ${record.split(FIELD_SEP).length}`, visible(record), n);
    }
    take(last, p, stop);
    pos = stop + end.length;
    out.push(convertOne(call, fields, n, convert, false));
    if (headFields > 0) prevTail = stdout.slice(tailStart, stop);
  }
  // Whatever follows the last terminator must be blank (a trailing newline at most).
  const tail = stdout.slice(pos);
  if (tail.replace(RECORD_END, '').trim() !== '') {
    throw new SlurmParseError(call, 'output ends in an incomplete record', visible(tail), n + 1);
  }
  return out;
}

/**
 * sacct --parsable2 style: one record per line, fields split by `sep`, no terminator. A field
 * containing a newline shows up as a short line: we join lines until the count is reached.
 */
export function splitDelimitedLines(call: string, stdout: string, sep: string, fieldCount: number): string[][] {
  const out: string[][] = [];
  const lines = stdout.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let pending: string[] | undefined;
  let startLine = 0;
  for (let i = 0; i < lines.length; i++) {
    const parts = lines[i].split(sep);
    if (pending) {
      pending[pending.length - 1] += `\n${parts[0]}`;
      for (let k = 1; k < parts.length; k++) pending.push(parts[k]);
    } else {
      if (lines[i] === '') continue;
      pending = parts;
      startLine = i;
    }
    if (pending.length === fieldCount) {
      out.push(pending);
      pending = undefined;
    } else if (pending.length > fieldCount) {
      throw new SlurmParseError(call, `expected ${fieldCount} fields, found ${pending.length}`, visible(lines.slice(startLine, i + 1).join('\n')), startLine + 1);
    }
  }
  if (pending) {
    throw new SlurmParseError(call, `expected ${fieldCount} fields, found ${pending.length}`, visible(lines.slice(startLine).join('\n')), startLine + 1);
  }
  return out;
}

/** Runs a per-record converter, turning field errors into a SlurmParseError naming call and line. */
export function convertRecords<T>(call: string, records: string[][], convert: (fields: string[]) => T): T[] {
  const out = new Array<T>(records.length);
  for (let i = 0; i < records.length; i++) out[i] = convertOne(call, records[i], i + 1, convert);
  return out;
}

function convertOne<T>(call: string, fields: string[], n: number, convert: (fields: string[], sameTail: boolean) => T, sameTail = false): T {
  try {
    return convert(fields, sameTail);
  } catch (e) {
    const line = visible(fields.join(FIELD_SEP));
    if (e instanceof FieldFormatError) throw new SlurmParseError(call, e.message, line, n);
    if (e instanceof SlurmParseError) throw new SlurmParseError(call, e.reason, line, n);
    throw new SlurmParseError(call, `unexpected value (${e instanceof Error ? e.message : String(e)})`, line, n);
  }
}

/** Makes our control-character separators visible in error messages. */
export function visible(s: string): string {
  return s.replaceAll(FIELD_SEP, '␟').replaceAll(RECORD_END, '␞');
}

/** Slurm's ways of saying "nothing here". */
export function optionalText(v: string): string | undefined {
  // squeue prints "n/a" for BatchHost of a pending job, "N/A" elsewhere, "(null)" for unset
  // strings. Compared by length first: hashing long paths for a Set lookup showed in the bench.
  if (v.length > 6) return v;
  return v === '' || v === '(null)' || v === 'N/A' || v === 'n/a' || v === 'None' ? undefined : v;
}

export function intField(field: string, v: string): number {
  if (!/^\d+$/.test(v)) throw new FieldFormatError(field, v, 'a whole number');
  return Number(v);
}

/**
 * zod validation of numeric columns, once per COLUMN over a whole listing (values joined by
 * newlines, checked by one anchored pattern) instead of once per row: a zod call per row cost
 * more than the rest of the squeue parser on 10,000 rows (see test/bench/slurm-parse.bench.ts).
 */
export interface NumericColumn {
  /** Field index in the record. */
  index: number;
  /** Slurm's field name, for the error. */
  field: string;
  /** Also accept "N/A", "(null)" and empty (optional numbers). */
  optional?: boolean;
}

const CELL = { required: '\\d+', optional: '(?:\\d+|N/A|\\(null\\)|)' };
const columnSchema = {
  required: lazySchema(() => z.string().regex(new RegExp(`^${CELL.required}(?:\\n${CELL.required})*$`))),
  optional: lazySchema(() => z.string().regex(new RegExp(`^${CELL.optional}(?:\\n${CELL.optional})*$`))),
};
const cellPattern = { required: new RegExp(`^${CELL.required}$`), optional: new RegExp(`^${CELL.optional}$`) };

export class ColumnCollector {
  private readonly values: string[][];
  constructor(private readonly columns: readonly NumericColumn[]) {
    this.values = columns.map(() => []);
  }

  add(fields: readonly string[]): void {
    for (let c = 0; c < this.columns.length; c++) this.values[c].push(fields[this.columns[c].index]);
  }

  /** Throws SlurmParseError for the first bad cell; `recordText(i)` gives the 0-based record i. */
  check(call: string, recordText: (i: number) => string): void {
    if (this.values[0]?.length === 0) return;
    this.columns.forEach((col, c) => {
      const kind = col.optional ? 'optional' : 'required';
      if (columnSchema[kind].safeParse(this.values[c].join('\n')).success) return;
      const row = this.values[c].findIndex((v) => !cellPattern[kind].test(v));
      const reason = new FieldFormatError(col.field, this.values[c][row] ?? '', 'a whole number').message;
      throw new SlurmParseError(call, reason, visible(recordText(row)), row + 1);
    });
  }
}
