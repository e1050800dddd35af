// Job history (issue 20 point 4) from the two history calls' output RECORDED on the bundled clusters
// of both Slurm versions (test/fixtures/slurm-<version>/history/README.md says what each job did):
// the window's argv, rows with the efficiency column, filtering, sorting and CSV that round-trips.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseResult } from '../../src/slurm/call';
import { isAccountingDisabled } from '../../src/slurm/accounting';
import { SlurmArgumentError, SlurmCommandError } from '../../src/slurm/errors';
import { describeWindow, historyListingCall, historySelection, historyUsageArgv, historyUsageCall, parseHistoryWindow, type HistoryWindow } from '../../src/slurm/historyCall';
import { FIELD_SEP } from '../../src/slurm/records';
import { sacctWindowArgv } from '../../src/slurm/sacctWindow';
import type { ExecResult } from '../../src/transport/types';
import { filterRows, historyCsv, historyPageMessageSchema, historyQuerySchema, historyRows, historyView, HISTORY_COLUMNS, parseCsv, sortRows, stateGroup, type HistoryRow } from '../../src/session/historyTable';

const fixture = (version: string, name: string) => readFileSync(join(__dirname, '..', 'fixtures', `slurm-${version}`, 'history', name), 'utf8');
const ctx = { utcOffsetMinutes: 0, user: 'slurmuser' };
const day: HistoryWindow = { kind: 'days', days: 1 };
const ok = (stdout: string): ExecResult => ({ code: 0, stdout, stderr: '' }) as ExecResult;

function rowsOf(version: string): HistoryRow[] {
  const jobs = parseResult(historyListingCall(ctx, day), ok(fixture(version, 'sacct-history.txt')));
  const usage = parseResult(historyUsageCall(ctx, day), ok(fixture(version, 'sacct-history-usage.txt')));
  return historyRows(jobs, usage);
}

describe('history window calls', () => {
  it('a day window reuses the Jobs view selection (sacctWindow.ts): user, now-N seconds, finished states', () => {
    const sel = historySelection('slurmuser', { kind: 'days', days: 7 });
    assert.deepEqual(sel, ['--user=slurmuser', '--starttime=now-604800seconds', '--endtime=now', '--state=BF,CA,CD,DL,F,NF,OOM,PR,TO']);
    for (const a of sel) assert.ok(sacctWindowArgv('slurmuser', 7).includes(a), a);
  });

  it('the listing is allocations only, the usage keeps the steps; both over the same selection', () => {
    const listing = historyListingCall(ctx, { kind: 'since', date: '2026-11-30' }).argv;
    const usage = historyUsageArgv('slurmuser', { kind: 'since', date: '2026-11-30' });
    assert.ok(listing.includes('--allocations'));
    assert.ok(!usage.includes('--allocations'));
    for (const argv of [listing, usage]) {
      assert.ok(argv.includes('--starttime=2026-11-30') && argv.includes('--endtime=now') && argv.includes(`--delimiter=${FIELD_SEP}`), argv.join(' '));
      assert.ok(!argv.some((a) => a.startsWith('--jobs=')), 'selected by window, not by a list of ids');
    }
  });

  it('validates the window: a real date, 1..365 days; a bad one never reaches argv', () => {
    assert.deepEqual(parseHistoryWindow({ kind: 'since', date: '2026-02-28' }), { ok: true, window: { kind: 'since', date: '2026-02-28' } });
    for (const bad of [{ kind: 'since', date: '2026-02-30' }, { kind: 'since', date: 'now-1day;rm' }, { kind: 'days', days: 0 }, { kind: 'days', days: 400 }, { kind: 'week' }, 'x']) {
      assert.equal(parseHistoryWindow(bad).ok, false, JSON.stringify(bad));
    }
    assert.throws(() => historySelection('slurmuser', { kind: 'since', date: '2026-13-01' }), SlurmArgumentError);
    assert.throws(() => historySelection('a user', day), SlurmArgumentError);
    assert.equal(describeWindow({ kind: 'days', days: 30 }), 'last 30 days');
    assert.equal(describeWindow({ kind: 'since', date: '2026-11-30' }), 'since 2026-11-30');
  });

  it('"accounting storage is disabled" is recognised as no accounting, not a failure to retry', () => {
    const result = { code: 1, stdout: '', stderr: 'Slurm accounting storage is disabled\n' } as ExecResult;
    let thrown: unknown;
    try {
      parseResult(historyListingCall(ctx, day), result);
    } catch (err) {
      thrown = err;
    }
    assert.ok(thrown instanceof SlurmCommandError);
    assert.ok(isAccountingDisabled(thrown));
  });
});

for (const version of ['22.05', '24.11']) {
  describe(`history rows, Slurm ${version}`, () => {
    const rows = rowsOf(version);
    const byName = (name: string) => {
      const r = rows.find((x) => x.name === name);
      assert.ok(r, `a row named ${JSON.stringify(name)} in ${rows.map((x) => x.name).join(' | ')}`);
      return r;
    };

    it('one row per job, steps folded away, with states, exit codes, partitions and times', () => {
      assert.equal(rows.length, version === '22.05' ? 6 : 5);
      assert.ok(rows.every((r) => !r.jobId.includes('.')));
      const fail = byName('wb-hist-fail3');
      assert.equal(fail.state, 'FAILED');
      assert.equal(fail.group, 'failed');
      assert.equal(fail.exitCode, '3:0');
      const cancelled = byName('wb-hist-cancel');
      assert.equal(cancelled.stateText, 'CANCELLED by 2000');
      assert.equal(cancelled.group, 'cancelled');
      assert.ok(cancelled.elapsedSeconds !== undefined && cancelled.elapsedSeconds >= 20);
      assert.equal(byName('=HYPERLINK(`x`)').partition, 'gpu');
      // slurmdbd keeps '"' as '`' (both versions); the comma and the newline survive.
      const quoted = byName('wb hist, `quoted` name');
      assert.equal(quoted.exitCode, '0:0');
      assert.match(quoted.submit ?? '', /^2026-12-04T21:27:2\dZ$|^2026-12-04T21:27:2\d\.000Z$/);
      assert.ok(quoted.end !== undefined && quoted.start !== undefined && quoted.end > quoted.start);
      byName('two\nlines');
    });

    it('the efficiency column: CPU, memory and time used, from the batched usage call', () => {
      const quoted = byName('wb hist, `quoted` name');
      // MaxRSS ~3.3 MB of --mem=100M; 4-5 s of a 5 min limit.
      assert.ok(quoted.memoryPercent !== undefined && quoted.memoryPercent > 2 && quoted.memoryPercent < 5, String(quoted.memoryPercent));
      assert.ok(quoted.timePercent !== undefined && quoted.timePercent > 1 && quoted.timePercent < 2, String(quoted.timePercent));
      assert.ok(quoted.cpuPercent !== undefined && quoted.cpuPercent > 0 && quoted.cpuPercent < 20, String(quoted.cpuPercent));
      // The failed job ended before jobacct_gather's first sample: memory not measured, left empty.
      assert.equal(byName('wb-hist-fail3').memoryPercent, undefined);
      // A job missing from the usage call (it ended between the two calls) gets no figures, not zeros.
      const jobs = parseResult(historyListingCall(ctx, day), ok(fixture(version, 'sacct-history.txt')));
      const bare = historyRows(jobs, []);
      assert.ok(bare.every((r) => r.cpuPercent === undefined && r.memoryPercent === undefined && r.timePercent === undefined));
    });

    it('filters by state group, by text in the name or id, and by partition', () => {
      assert.deepEqual(filterRows(rows, { groups: ['failed'] }).map((r) => r.name), ['wb-hist-fail3']);
      assert.equal(filterRows(rows, { groups: ['completed', 'failed'] }).length, 4);
      assert.deepEqual(filterRows(rows, { text: 'HYPERLINK' }).map((r) => r.partition), ['gpu']);
      const fail = byName('wb-hist-fail3');
      assert.deepEqual(filterRows(rows, { text: ` ${fail.jobId} ` }).map((r) => r.jobId), [fail.jobId]);
      assert.deepEqual(filterRows(rows, { partition: 'gpu' }).map((r) => r.name), ['=HYPERLINK(`x`)']);
      assert.equal(filterRows(rows, {}).length, rows.length);
      assert.equal(filterRows(rows, { groups: ['timeout'] }).length, 0);
    });

    it('sorts by any column, blanks last in either direction, ties newest first', () => {
      const byId = sortRows(rows, 'jobId', false).map((r) => r.rawJobId);
      assert.deepEqual(byId, [...byId].sort((a, b) => a - b));
      for (const descending of [false, true]) {
        const mem = sortRows(rows, 'memoryPercent', descending);
        assert.equal(mem.at(-1)?.name, 'wb-hist-fail3', 'the unmeasured job goes last');
        const measured = mem.filter((r) => r.memoryPercent !== undefined).map((r) => r.memoryPercent as number);
        assert.deepEqual(measured, [...measured].sort((a, b) => (descending ? b - a : a - b)));
      }
      assert.equal(sortRows(rows, 'elapsed', true)[0]?.name, 'wb-hist-cancel');
      assert.deepEqual(sortRows(rows, 'name', false).map((r) => r.name)[0], '=HYPERLINK(`x`)');
    });

    it('CSV: RFC 4180 quoting round-trips every name; formula-like cells are neutralised', () => {
      const csv = historyCsv(rows);
      assert.ok(csv.endsWith('\r\n'));
      const records = parseCsv(csv);
      assert.deepEqual(records[0], HISTORY_COLUMNS.map((c) => c.label));
      assert.equal(records.length, rows.length + 1);
      for (const [i, r] of rows.entries()) {
        const rec = records[i + 1] ?? [];
        assert.equal(rec.length, HISTORY_COLUMNS.length);
        assert.equal(rec[0], r.jobId);
        assert.equal(rec[1], r.name.startsWith('=') ? `'${r.name}` : r.name);
        assert.equal(rec[8], r.exitCode);
      }
      assert.ok(csv.includes('"wb hist, `quoted` name"'));
      assert.ok(csv.includes('"two\nlines"'));
      assert.ok(csv.includes(",'=HYPERLINK(`x`),"));
    });
  });
}

describe('CSV details', () => {
  const base: HistoryRow = { jobId: '1', rawJobId: 1, name: 'x', state: 'COMPLETED', stateText: 'COMPLETED', group: 'completed', partition: 'debug', elapsed: '0:01', elapsedSeconds: 1, exitCode: '0:0' };
  it('doubles quotes, quotes commas and line breaks, prefixes = + - @ tab and CR', () => {
    const names = ['say "hi"', 'a,b', 'a\r\nb', '+1', '-2', '@SUM(A1)', '\tx', 'plain', ''];
    const csv = historyCsv(names.map((name, i) => ({ ...base, jobId: String(i), name })));
    assert.ok(csv.includes(',"say ""hi""",'));
    const back = parseCsv(csv).slice(1).map((r) => r[1]);
    assert.deepEqual(back, ['say "hi"', 'a,b', 'a\r\nb', "'+1", "'-2", "'@SUM(A1)", "'\tx", 'plain', '']);
  });

  it('empty figures are empty cells; a BOM is skipped when read back', () => {
    const csv = historyCsv([{ ...base, cpuPercent: 12.5 }]);
    const [, rec] = parseCsv(`\uFEFF${csv}`);
    assert.equal(rec?.[9], '12.5');
    assert.equal(rec?.[10], '');
    assert.throws(() => parseCsv('"open'));
  });
});

describe('history view (what the panel draws)', () => {
  const rows = rowsOf('22.05');
  it('counts per group over the window, partitions, the query validated, at most `limit` rows drawn', () => {
    const q = historyQuerySchema.parse({ groups: ['cancelled'] });
    assert.equal(q.sort, 'end');
    assert.equal(q.descending, true);
    const v = historyView('bundled · last 24 hours', rows, q, 1);
    assert.deepEqual(v.counts, { completed: 3, failed: 1, cancelled: 2, timeout: 0 });
    assert.deepEqual(v.partitions, ['debug', 'gpu']);
    assert.equal(v.matching, 2);
    assert.equal(v.rows.length, 1);
    assert.equal(v.total, 6);
    assert.equal(historyQuerySchema.safeParse({ groups: ['running'] }).success, false);
    assert.equal(historyQuerySchema.safeParse({ sort: 'constructor' }).success, false);
  });

  it('state groups: the finished states people filter by', () => {
    assert.equal(stateGroup('OUT_OF_MEMORY'), 'failed');
    assert.equal(stateGroup('NODE_FAIL'), 'failed');
    assert.equal(stateGroup('PREEMPTED'), 'cancelled');
    assert.equal(stateGroup('TIMEOUT'), 'timeout');
  });
});

describe('messages from the history page', () => {
  it('reads the ones it knows, defaults the sort, and drops anything else', () => {
    const q = historyPageMessageSchema.parse({ type: 'query', query: { text: 'abc', groups: ['failed'] } });
    assert.deepEqual(q, { type: 'query', query: { text: 'abc', groups: ['failed'], sort: 'end', descending: true } });
    assert.equal(historyPageMessageSchema.parse({ type: 'open', jobId: '123_4' }).type, 'open');
    for (const bad of [
      { type: 'open', jobId: '123; rm -rf ~' },
      { type: 'open', jobId: '--help' },
      { type: 'export', query: { sort: 'evil' } },
      { type: 'query', query: { text: 'x'.repeat(501) } },
      { type: 'run', command: 'x' },
      null,
    ]) {
      assert.equal(historyPageMessageSchema.safeParse(bad).success, false, JSON.stringify(bad));
    }
  });
});
