/**
 * The Jobs view's squeue, polled every few seconds: most of its records are printed byte for byte
 * as in the previous poll. A record whose text is unchanged keeps the row converted from it last
 * time (same object), and only the other records are parsed (and validated, as one batch). An
 * unchanged record then costs one string compare: positionally against the previous listing first,
 * else against the previous record with the same first field (JobID) when the order moved — a
 * lookup by the short id, not by the whole record (hashing 10,000 records cost more than parsing a
 * thousand). The parse of a listing is the same as
 * parseSqueue's, record by record; a malformed listing fails with parseSqueue's own error.
 */
import type { SlurmCall } from './call';
import type { ClusterContext } from './context';
import type { Job } from './job';
import { FIELD_SEP, RECORD_END } from './records';
import { parseSqueue, squeueArgv } from './squeue';

const END = `${RECORD_END}\n`;

interface Entry<R> {
  text: string;
  row: R;
  /** The listing that last printed this record. */
  seen: number;
}

export interface SqueueListing<R> {
  /** Every record's row, in squeue order. */
  rows: R[];
  /** Rows of records not in the previous listing (new jobs, or jobs whose record changed), squeue order. */
  fresh: R[];
  /** Rows of the previous listing's records that are not in this one, in the previous order. */
  gone: R[];
}

/** Remembers one listing's records and their rows; one per polled queue. */
export class SqueueListingCache<R> {
  /** The previous listing's entries by their record's first field (JobID). */
  private byKey = new Map<string, Entry<R>>();
  private previous: Entry<R>[] = [];
  private listing = 0;
  private utcOffsetMinutes: number | undefined;

  constructor(private readonly convert: (job: Job) => R) {}

  /** The user's active jobs (squeueCall(ctx) with no options), parsed through this cache. */
  call(ctx: Pick<ClusterContext, 'version' | 'user' | 'utcOffsetMinutes'>): SlurmCall<SqueueListing<R>> {
    return { name: 'squeue', argv: squeueArgv(ctx), parse: (o) => this.parse(o.stdout, ctx.utcOffsetMinutes) };
  }

  parse(stdout: string, utcOffsetMinutes: number): SqueueListing<R> {
    if (utcOffsetMinutes !== this.utcOffsetMinutes) {
      // Times are read with the cluster's offset: rows converted under another one are not reused.
      this.byKey.clear();
      this.previous = [];
      this.utcOffsetMinutes = utcOffsetMinutes;
    }
    const listing = ++this.listing;
    const previous = this.previous;
    const entries: (Entry<R> | undefined)[] = [];
    const missed: string[] = [];
    let pos = 0;
    for (;;) {
      const stop = stdout.indexOf(END, pos);
      if (stop < 0) break;
      const text = stdout.slice(pos, stop);
      pos = stop + END.length;
      const i = entries.length;
      let entry: Entry<R> | undefined = i < previous.length ? previous[i] : undefined;
      if (entry === undefined || entry.text !== text) {
        entry = this.byKey.get(keyOf(text));
        if (entry !== undefined && entry.text !== text) entry = undefined;
      }
      // The same record printed twice in one listing is parsed again (never two places, one row).
      if (entry !== undefined && entry.seen !== listing) {
        entry.seen = listing;
        entries.push(entry);
      } else {
        entries.push(undefined);
        missed.push(text);
      }
    }
    // Whatever follows the last record must be blank; parseSqueue says what is wrong otherwise.
    if (stdout.slice(pos).replace(RECORD_END, '').trim() !== '') parseSqueue(stdout, utcOffsetMinutes);

    const fresh: R[] = [];
    if (missed.length > 0) {
      // Joined with a last empty element rather than `+ END`: one flat string (a cons string made
      // the parser's charCodeAt and slices several times slower).
      missed.push('');
      const batch = missed.join(END);
      missed.pop();
      let jobs: Job[];
      try {
        jobs = parseSqueue(batch, utcOffsetMinutes);
      } catch (e) {
        // Report the record as numbered in the whole listing, as an uncached parse would.
        parseSqueue(stdout, utcOffsetMinutes);
        throw e;
      }
      // Keys sliced from the batch, not from stdout: an entry kept for many polls then holds on to
      // the small batch it was parsed from, not to a whole listing.
      let at = 0;
      let m = 0;
      for (let i = 0; i < entries.length; i++) {
        if (entries[i] !== undefined) continue;
        const text = batch.slice(at, at + missed[m].length);
        at += missed[m].length + END.length;
        const row = this.convert(jobs[m++]);
        const entry: Entry<R> = { text, row, seen: listing };
        entries[i] = entry;
        this.byKey.set(keyOf(text), entry);
        fresh.push(row);
      }
    }
    const gone: R[] = [];
    for (const entry of previous) {
      if (entry.seen === listing) continue;
      gone.push(entry.row);
      const key = keyOf(entry.text);
      if (this.byKey.get(key) === entry) this.byKey.delete(key);
    }
    const kept = entries as Entry<R>[];
    this.previous = kept;
    const rows = new Array<R>(kept.length);
    for (let i = 0; i < kept.length; i++) rows[i] = kept[i].row;
    return { rows, fresh, gone };
  }
}

function keyOf(record: string): string {
  const end = record.indexOf(FIELD_SEP);
  return end < 0 ? record : record.slice(0, end);
}
