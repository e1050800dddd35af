// Folder sync against the bundled cluster: a project of 200 files (~3 MB) synced to a fresh remote
// workspace (the baseline: every file uploaded, as a naive "upload the folder" does on every
// submit), then re-synced with nothing changed and with one file changed — what a user pays on
// each later submit. Median of several runs per case, ratios against the full upload in the same run.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyFolderSync, planFolderSync } from '../../src/submit/folderSync';
import { parseSyncSettings, remoteWorkspaceDir } from '../../src/submit/syncPlan';
import { readBed } from '../integration/bed';
import { bedTransport } from '../integration/bedTransport';

const FILES = 200;
const RUNS = 5;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export default async function (): Promise<void> {
  const bed = readBed();
  const transport = bedTransport(bed);
  const local = mkdtempSync(join(tmpdir(), 'swb-sync-bench-'));
  const remoteRoot = `${bed.home}/swb-sync-bench-${randomBytes(4).toString('hex')}`;
  const { settings } = parseSyncSettings({ syncFolder: 'scriptFolder' });
  const options = { timeoutMs: 120_000 };
  let bytes = 0;
  for (let i = 0; i < FILES; i++) {
    const dir = join(local, `part${i % 10}`);
    mkdirSync(dir, { recursive: true });
    const body = randomBytes(i % 20 === 0 ? 200_000 : 5_000);
    bytes += body.length;
    writeFileSync(join(dir, `file ${i}.dat`), body);
  }
  const target = { localDir: local, remoteDir: '', jobDir: '' };
  const sync = async (): Promise<{ ms: number; uploaded: number }> => {
    const started = performance.now();
    const planned = await planFolderSync(transport, target, settings, options);
    const done = await applyFolderSync(transport, planned, options);
    return { ms: performance.now() - started, uploaded: done.uploaded };
  };
  try {
    await transport.exec(['true']);
    const full: number[] = [];
    const unchanged: number[] = [];
    const oneChanged: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      // A fresh remote workspace each run: the first sync uploads everything.
      target.remoteDir = remoteWorkspaceDir(`${remoteRoot}/run${run}`, local);
      target.jobDir = target.remoteDir;
      const first = await sync();
      if (first.uploaded !== FILES) throw new Error(`first sync uploaded ${first.uploaded} of ${FILES}`);
      full.push(first.ms);
      const again = await sync();
      if (again.uploaded !== 0) throw new Error(`unchanged re-sync uploaded ${again.uploaded}`);
      unchanged.push(again.ms);
      const changed = join(local, 'part3', 'file 3.dat');
      writeFileSync(changed, randomBytes(5_000));
      utimesSync(changed, new Date(), new Date(Date.now() + 1000 * (run + 1)));
      const one = await sync();
      if (one.uploaded !== 1) throw new Error(`one-change re-sync uploaded ${one.uploaded}`);
      oneChanged.push(one.ms);
    }
    const f = median(full);
    const u = median(unchanged);
    const o = median(oneChanged);
    console.log(`project: ${FILES} files, ${(bytes / 1024 / 1024).toFixed(1)} MB; median of ${RUNS} runs`);
    console.log(`baseline  full upload (fresh remote workspace): ${f.toFixed(1)} ms`);
    console.log(`re-sync, nothing changed:                       ${u.toFixed(1)} ms (${(u / f * 100).toFixed(1)} % of the full upload)`);
    console.log(`re-sync, one file changed:                      ${o.toFixed(1)} ms (${(o / f * 100).toFixed(1)} % of the full upload)`);
  } finally {
    await transport.exec(['rm', '-rf', '--', remoteRoot], { timeoutMs: 60_000 }).catch(() => undefined);
    transport.dispose();
    rmSync(local, { recursive: true, force: true });
  }
}
