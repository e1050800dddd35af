// sacctmgr show qos: builder and parser on output recorded from both bundled clusters. Recorded
// with qosArgv() through the real sshd as slurmuser while a QOS made for the recording existed
// (as root: `sacctmgr -i add qos swb_h2_long set Description="long | batch jobs" MaxWall=2-00:00:00
// MaxJobsPerUser=4 MaxSubmitJobsPerUser=20 MaxTRESPerUser=cpu=8,gres/gpu=2 Priority=10
// Flags=DenyOnLimit`, deleted right after); `normal` is the clusters' own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { formatDuration, parseQos, qosArgv, qosCall, qosSummary, SlurmParseError } from '../../src/slurm';
import { isReadOnlyArgv } from '../../src/slurm/call';

const fixture = (version: string) => readFileSync(path.resolve(__dirname, `../fixtures/slurm-${version}/qos.txt`), 'utf8');

test('argv: parsable, no header, the description last; a query that may be retried', () => {
  assert.deepEqual(qosArgv(), ['sacctmgr', '--noheader', '--parsable2', 'show', 'qos', 'format=Name,Priority,MaxWall,MaxTRESPU,MaxJobsPU,MaxSubmitPU,Flags,Description']);
  assert.equal(qosCall().idempotent, true);
  assert.equal(isReadOnlyArgv(qosArgv()), false, 'sacctmgr is not on the read-only list: the call says so itself');
});

test('22.05: the default QOS with no limits, and one with every limit and a "|" in its description', () => {
  assert.deepEqual(parseQos(fixture('22.05')), [
    { name: 'normal', priority: 0, description: 'Normal QOS default' },
    {
      name: 'swb_h2_long',
      priority: 10,
      maxWall: { kind: 'seconds', seconds: 172800 },
      maxTresPerUser: 'cpu=8,gres/gpu=2',
      maxJobsPerUser: 4,
      maxSubmitPerUser: 20,
      flags: 'DenyOnLimit',
      description: 'long | batch jobs',
    },
  ]);
});

test('24.11 prints the same', () => {
  assert.equal(fixture('24.11'), fixture('22.05'));
  assert.deepEqual(parseQos(fixture('24.11')), parseQos(fixture('22.05')));
});

test('the completion detail names the limits a user meets', () => {
  const [normal, long] = parseQos(fixture('22.05'));
  assert.equal(qosSummary(normal, formatDuration), '');
  assert.equal(qosSummary(long, formatDuration), 'max 2-00:00:00 · 4 running jobs/user · 20 queued jobs/user · cpu=8,gres/gpu=2 per user');
});

test('malformed output is refused with the line', () => {
  assert.deepEqual(parseQos(''), []);
  assert.throws(() => parseQos('normal|0|'), (e: unknown) => e instanceof SlurmParseError && /expected 8 fields/.test(e.message));
  assert.throws(() => parseQos('normal|high||||||x'), (e: unknown) => e instanceof SlurmParseError && /priority: expected a whole number/.test(e.message) && e.lineNumber === 1);
  assert.throws(() => parseQos('|0||||||x'), (e: unknown) => e instanceof SlurmParseError && /without a name/.test(e.message));
  assert.throws(() => parseQos('x|0|soon|||||'), /MaxWall/);
});
