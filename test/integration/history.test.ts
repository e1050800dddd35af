// Job history (issue 20 point 4), live on every selected bed (22.05 and 24.11): two short jobs with
// a comma and a double quote in their names, one exiting 3, then the 1-day window loaded through
// the real history calls (src/slurm/historyCall.ts: two sacct, never one per job) over the real
// ssh2 transport, the rows built, and the CSV export parsed back. On the no-accounting bed (native
// only) the same load answers with the notice that history needs accounting.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { quoteArg } from '../../src/core/shellQuote';
import { loadHistory, NO_HISTORY_NOTICE, type HistoryWindow } from '../../src/slurm/historyCall';
import { historyCsv, historyRows, HISTORY_COLUMNS, parseCsv, type HistoryRow } from '../../src/session/historyTable';
import { clusterContext } from '../../src/session/slurmJobLister';
import type { Transport } from '../../src/transport/types';
import { bedLabel, readBed, readBeds, repoRoot, sshRun, type Bed } from './bed';
import { bedTransport } from './bedTransport';
import { nativeClusterOnly } from './devcontainerSkip';
import { finalState } from './jobWait';

const DAY: HistoryWindow = { kind: 'days', days: 1 };

interface Live {
  bed: Bed;
  t: Transport;
  okName: string;
  failName: string;
  okId?: number;
  failId?: number;
  rows: HistoryRow[];
  usageCount: number;
}

const tag = `${process.pid}`;
const live: Live[] = readBeds().map((bed) => ({
  bed,
  t: bedTransport(bed),
  okName: `wb-hist ok, "q" ${tag}`,
  failName: `wb-hist fail3, "q" ${tag}`,
  rows: [],
  usageCount: 0,
}));

async function submit(z: Live, name: string, wrap: string): Promise<number> {
  const r = await sshRun(`sbatch --parsable -t 2 -o /dev/null -J ${quoteArg(name)} --wrap ${quoteArg(wrap)}`, { bed: z.bed });
  const id = Number(r.stdout.trim().split(';')[0]);
  assert.ok(r.code === 0 && Number.isInteger(id) && id > 0, `sbatch on ${bedLabel(z.bed)}: ${r.stdout} ${r.stderr}`);
  return id;
}

/** sacct lags a job's end by a second or two: load the window until both jobs are in it (bounded). */
async function loadUntilBoth(z: Live, budgetMs = 60_000): Promise<void> {
  const ctx = await clusterContext(z.t, {});
  const deadline = Date.now() + budgetMs;
  for (;;) {
    const answer = await loadHistory(z.t, ctx, DAY, { timeoutMs: 120_000 });
    assert.ok(answer.available, `accounting on ${bedLabel(z.bed)}`);
    const ids = [String(z.okId), String(z.failId)];
    const both = ids.every((id) => answer.jobs.some((j) => j.id.text === id) && answer.usage.some((u) => u.id.text === id));
    if (both || Date.now() > deadline) {
      z.rows = historyRows(answer.jobs, answer.usage);
      z.usageCount = answer.usage.length;
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

describe('job history (live, every bed)', { timeout: 400_000 }, () => {
  before(async () => {
    await Promise.all(
      live.map(async (z) => {
        z.okId = await submit(z, z.okName, 'sleep 3');
        z.failId = await submit(z, z.failName, 'sleep 1; exit 3');
        await Promise.all([finalState(z.bed, z.okId), finalState(z.bed, z.failId)]);
        await loadUntilBoth(z);
      }),
    );
  });

  after(async () => {
    await Promise.all(
      live.map(async (z) => {
        const ids = [z.okId, z.failId].filter((x): x is number => x !== undefined);
        if (ids.length > 0) await sshRun(`scancel ${ids.join(' ')}`, { bed: z.bed });
        z.t.dispose();
      }),
    );
  });

  for (const z of live) {
    describe(bedLabel(z.bed), () => {
      const row = (id: number | undefined): HistoryRow => {
        const r = z.rows.find((x) => x.jobId === String(id));
        assert.ok(r, `job ${id} in the 1-day window (${z.rows.length} rows)`);
        return r;
      };

      it('the 1-day window has both jobs, with the right states, exit codes and efficiency', () => {
        const ok = row(z.okId);
        const fail = row(z.failId);
        console.log(`[${z.bed.slurmVersion}] 1-day window: ${z.rows.length} jobs, ${z.usageCount} with usage`);
        assert.equal(ok.state, 'COMPLETED');
        assert.equal(ok.group, 'completed');
        assert.equal(ok.exitCode, '0:0');
        assert.equal(fail.state, 'FAILED');
        assert.equal(fail.group, 'failed');
        assert.equal(fail.exitCode, '3:0');
        assert.ok(ok.elapsedSeconds !== undefined && ok.elapsedSeconds >= 3, `elapsed ${ok.elapsed}`);
        // 3-4 s of a 2 min limit, from the batched usage call.
        assert.ok(ok.timePercent !== undefined && ok.timePercent > 1 && ok.timePercent < 10, `time used ${ok.timePercent}`);
        assert.ok(ok.cpuPercent !== undefined, 'CPU % measured');
        assert.equal(ok.partition, z.bed.partitions[0]);
        assert.ok(ok.end !== undefined && Date.parse(ok.end) > Date.now() - 3600_000, `ended within the hour: ${ok.end}`);
      });

      it('a "since a date" window (the cluster\'s today) has both jobs too', async () => {
        const today = (await sshRun('date +%F', { bed: z.bed })).stdout.trim();
        const answer = await loadHistory(z.t, await clusterContext(z.t, {}), { kind: 'since', date: today }, { timeoutMs: 120_000 });
        assert.ok(answer.available);
        for (const id of [z.okId, z.failId]) assert.ok(answer.jobs.some((j) => j.id.text === String(id)), `job ${id} since ${today}`);
      });

      it('the names keep their comma; slurmdbd stores the double quote as a backtick', () => {
        assert.equal(row(z.okId).name, z.okName.replaceAll('"', '`'));
        assert.equal(row(z.failId).name, z.failName.replaceAll('"', '`'));
      });

      it('CSV of the whole window parses back to the same cells', () => {
        const csv = historyCsv(z.rows);
        const records = parseCsv(csv);
        assert.equal(records.length, z.rows.length + 1);
        assert.deepEqual(records[0], HISTORY_COLUMNS.map((c) => c.label));
        for (const id of [z.okId, z.failId]) {
          const r = row(id);
          const rec = records.find((x) => x[0] === String(id));
          assert.ok(rec, `job ${id} in the CSV`);
          assert.equal(rec[1], r.name);
          assert.ok(rec[1]?.includes(', '), 'the comma survived');
          assert.equal(rec[2], r.stateText);
          assert.equal(rec[8], r.exitCode);
        }
      });
    });
  }
});

const noacctSkip = nativeClusterOnly('the no-accounting flavor is a native cluster on this machine (flavor-noacct.sh)');
const noacctFile = path.join(repoRoot, '.bed', 'cluster-noacct.json');

describe('job history without accounting', { skip: noacctSkip || (existsSync(noacctFile) ? false : 'no .bed/cluster-noacct.json (started by up.sh)') }, () => {
  it('answers with the notice that history needs accounting, and does not throw', async () => {
    const bed = readBed(noacctFile);
    const t = bedTransport(bed, 'noacct');
    try {
      const ctx = await clusterContext(t, {});
      const answer = await loadHistory(t, ctx, DAY);
      assert.equal(answer.available, false);
      assert.ok(!answer.available && answer.notice === NO_HISTORY_NOTICE);
      assert.match(NO_HISTORY_NOTICE, /accounting storage is disabled/);
    } finally {
      t.dispose();
    }
  });
});
