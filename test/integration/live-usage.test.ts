// Live usage of a running job (issue 20 point 3), on every selected bed (22.05 and 24.11): a job
// holding a known 150 MB with --mem=500M and -c 2, read through the REAL sstat call over the real
// ssh2 transport while it runs; the details document's line says what it used of what it asked.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { runCall } from '../../src/slurm/call';
import { sstatCall, type StepLiveUsage } from '../../src/slurm/sstat';
import { allocationFromScontrol, liveUsageLines } from '../../src/session/liveUsage';
import { scontrolShowJobTextCall } from '../../src/session/jobDetails';
import { bedLabel, readBeds, sshRun, type Bed } from './bed';
import { bedTransport } from './bedTransport';

const SCRIPT = `#!/bin/bash
python3 - <<'PY'
import time
b = bytearray(150 * 1024 * 1024)
for i in range(0, len(b), 4096):
    b[i] = 1
time.sleep(40)
PY
`;

for (const bed of readBeds()) describe(`live usage — ${bedLabel(bed)}`, { timeout: 180_000 }, () => liveTests(bed));

function liveTests(bed: Bed): void {
  const t = bedTransport(bed);
  let jobId = '';
  after(async () => {
    if (jobId) await sshRun(`scancel ${jobId}`, { bed });
    t.dispose();
  });

  it('sstat sees the running job\'s peak memory (±10 % of 150 MB) against the 500 MB asked', async () => {
    const sub = await t.exec(['sbatch', '--parsable', '-J', 'swb live usage', '-c', '2', '--mem=500M', '-t', '2', `--chdir=${bed.home}`, '-o', '/dev/null'], { stdin: SCRIPT, timeoutMs: 30_000 });
    assert.equal(sub.code, 0, sub.stderr);
    jobId = sub.stdout.trim();
    let steps: StepLiveUsage[] = [];
    const deadline = Date.now() + 60_000;
    // jobacct_gather samples every 2 s: poll until the step's peak includes the whole bytearray.
    while (Date.now() < deadline) {
      steps = await runCall(t, sstatCall(jobId), { timeoutMs: 30_000 });
      if (steps.some((s) => (s.maxRssMb ?? 0) >= 150)) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const peak = Math.max(...steps.map((s) => s.maxRssMb ?? 0));
    assert.ok(peak >= 150 * 0.9 && peak <= 150 * 1.1 + 30, `peak ${peak.toFixed(1)} MB (python itself adds ~10-20 MB)`);
    // Slurm's RunTime is whole seconds: a job seen in its first second has no run time to set the
    // CPU use against yet (the line then leaves the capacity out). Read it once a second has passed.
    let alloc = allocationFromScontrol(await runCall(t, scontrolShowJobTextCall(jobId), { timeoutMs: 30_000 }));
    for (let i = 0; i < 30 && !alloc.runSeconds; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      alloc = allocationFromScontrol(await runCall(t, scontrolShowJobTextCall(jobId), { timeoutMs: 30_000 }));
    }
    assert.equal(alloc.cpus, 2);
    assert.equal(alloc.memMb, 500);
    const [line] = liveUsageLines(steps, alloc, new Date());
    assert.match(line, /peak memory 1\d\d MB of 500 MB asked \(3\d %\)/, line);
    assert.match(line, /× 2 CPUs/, line);
  });
}
