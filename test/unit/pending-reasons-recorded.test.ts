// The wording of every reason the pending-reason zoo produces, from what both bundled clusters really
// printed (test/fixtures/slurm-<version>/pending-reasons/, recorded by
// test/fixtures/recordPendingReasons.ts): squeue --start lines, scontrol show job, the limits and their
// usage from scontrol show assoc_mgr, the Hidden partitions from scontrol -a show partition, the
// reservation. Each reason's sentence, facts and advice are built from the recorded output only.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { limitFact, limitKey } from '../../src/session/pendingLimit';
import { explainPending, pendingDetailsHeader, type PendingFacts } from '../../src/session/pendingReason';
import { assocMgrArgv, parseAssocMgr } from '../../src/slurm/assocMgr';
import { parsePartitionShow, partitionShowArgv } from '../../src/slurm/partitionShow';
import { describeReservation, parseReservations } from '../../src/slurm/reservations';
import { parseScontrolShowJob } from '../../src/slurm';
import { squeueStartCall } from '../../src/slurm/squeueStart';

interface Manifest {
  utcOffsetMinutes: number;
  jobs: { label: string; jobId: string; expect: string }[];
}

for (const version of ['22.05', '24.11']) {
  const dir = join(__dirname, '..', 'fixtures', `slurm-${version}`, 'pending-reasons');
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  const manifest = JSON.parse(read('manifest.json')) as Manifest;
  const idOf = (label: string) => manifest.jobs.find((j) => j.label === label)!.jobId;
  const waiting = manifest.jobs.filter((j) => j.expect !== 'RUNNING');
  const estimates = squeueStartCall(waiting.map((j) => j.jobId), manifest.utcOffsetMinutes).parse({ stdout: read('squeue-start.txt'), stderr: '' });
  const estimateOf = (label: string) => estimates.find((e) => e.id === idOf(label))!;
  const job = (label: string) => ({ id: idOf(label), reason: estimateOf(label).reason, partition: parseScontrolShowJob(read(`scontrol-${label}.txt`), manifest.utcOffsetMinutes)[0].partition, timeLimit: '5:00' });
  const limitFor = (label: string): PendingFacts => ({ limit: limitFact(estimateOf(label).reason, parseAssocMgr(read(`assoc-mgr-${label}.txt`)), estimateOf(label)) });

  describe(`pending reasons recorded on Slurm ${version}`, () => {
    test('squeue --start: every waiting job with its reason, QOS, account, user and reservation', () => {
      assert.deepEqual(estimates.map((e) => [e.id, e.reason]), waiting.map((j) => [j.jobId, j.expect]));
      assert.deepEqual([estimateOf('qosMaxJobs').qos, estimateOf('qosMaxJobs').account, estimateOf('qosMaxJobs').user], ['zoo-maxjobs', 'workbench', 'slurmuser']);
      assert.equal(estimateOf('assocMaxJobs').account, 'zoo-assoc-jobs');
      assert.equal(estimateOf('assocGrpCpu').account, 'zoo-assoc-cpu');
      assert.equal(estimateOf('reservation').reservation, 'zoo-future');
      assert.equal(estimateOf('dependency').reservation, undefined, '"(null)" is no reservation');
      assert.ok(estimates.every((e) => e.expectedStart === undefined), 'none of them has an estimate (N/A)');
    });

    test('scontrol show job says the same reason; the details header explains it', () => {
      for (const j of waiting) {
        const text = read(`scontrol-${j.label}.txt`);
        const [parsed] = parseScontrolShowJob(text, manifest.utcOffsetMinutes);
        assert.equal(parsed.reason, j.expect, j.label);
        const header = pendingDetailsHeader(text, { id: j.jobId, partition: parsed.partition });
        assert.match(header, /^# Why pending: /, j.label);
        assert.doesNotMatch(header, /Slurm says "/, `${j.label} has its own sentence`);
      }
      assert.equal(parseScontrolShowJob(read('scontrol-partitionDown.txt'), 0)[0].partition, 'zoo-down');
    });

    test('QOSMaxJobsPerUserLimit: the QOS\'s MaxJobsPU and its usage from assoc_mgr', () => {
      const records = parseAssocMgr(read('assoc-mgr-qosMaxJobs.txt'));
      const qos = records.find((r) => r.kind === 'qos' && r.name === 'zoo-maxjobs');
      assert.deepEqual(qos?.limits.get('MaxJobsPU'), { limit: '1', used: '1' });
      const why = explainPending(job('qosMaxJobs'), limitFor('qosMaxJobs'));
      assert.equal(why.summary, 'A limit set on your QOS is reached: running jobs per user. It starts when your (or your group\'s) usage drops below it.');
      assert.deepEqual(why.facts, ['QOS zoo-maxjobs allows 1 (MaxJobsPU); in use now: 1.']);
      assert.deepEqual(why.advice.map((a) => a.text), ['Wait for your running jobs to end, or ask for less; a different QOS or account may have room.']);
    });

    test('AssocMaxJobsLimit: the user\'s association in zoo-assoc-jobs, MaxJobs 1 with 1 running', () => {
      const records = parseAssocMgr(read('assoc-mgr-assocMaxJobs.txt'));
      const mine = records.find((r) => r.kind === 'assoc' && r.name === 'zoo-assoc-jobs' && r.user === 'slurmuser');
      assert.deepEqual(mine?.limits.get('MaxJobs'), { limit: '1', used: '1' });
      const why = explainPending(job('assocMaxJobs'), limitFor('assocMaxJobs'));
      assert.equal(why.summary, 'A limit set on your account (association) is reached: running jobs. It starts when your (or your group\'s) usage drops below it.');
      assert.deepEqual(why.facts, ['Your association in account zoo-assoc-jobs allows 1 (MaxJobs); in use now: 1.']);
    });

    test('AssocGrpCpuLimit: the account\'s GrpTRES cpu=2, not the user\'s association (which sets none)', () => {
      const records = parseAssocMgr(read('assoc-mgr-assocGrpCpu.txt'));
      const account = records.find((r) => r.kind === 'assoc' && r.name === 'zoo-assoc-cpu' && r.user === undefined);
      assert.deepEqual(account?.tres.get('GrpTRES')?.get('cpu'), { limit: '2', used: '0' });
      assert.equal(account?.tres.get('GrpTRES')?.get('mem')?.limit, undefined, 'N is no limit');
      const why = explainPending(job('assocGrpCpu'), limitFor('assocGrpCpu'));
      assert.match(why.summary, /^A limit set on your account \(association\) is reached: CPUs for the whole group \(everyone sharing it\)\./);
      assert.deepEqual(why.facts, ['Account zoo-assoc-cpu allows cpu=2 (GrpTRES); in use now: 0.']);
    });

    test('Dependency on a running job: named, its state, a link to it', () => {
      const dependency = `afterok:${idOf('qosRunner')}(unfulfilled)`;
      assert.match(read('scontrol-dependency.txt'), new RegExp(`Dependency=afterok:${idOf('qosRunner')}\\(unfulfilled\\)`));
      const why = explainPending({ ...job('dependency'), dependency }, { dependencies: new Map([[idOf('qosRunner'), { state: 'RUNNING', reason: 'None' }]]) });
      assert.equal(why.summary, 'It waits for the job(s) it depends on.');
      assert.deepEqual(why.facts, [`afterok: starts once job ${idOf('qosRunner')} has completed successfully — job ${idOf('qosRunner')} is RUNNING.`]);
      assert.deepEqual(why.advice, [{ text: `Look at job ${idOf('qosRunner')}.`, action: 'showDependency' }]);
    });

    test('Reservation: the job\'s reservation with its window', () => {
      const [r] = parseReservations(read('reservations.txt'), manifest.utcOffsetMinutes).filter((x) => x.name === 'zoo-future');
      assert.deepEqual([r.nodes, r.users, r.state, r.end.getTime() - r.start.getTime()], [['node1'], 'slurmuser', 'INACTIVE', 3_600_000]);
      const why = explainPending(job('reservation'), { reservations: [describeReservation(r)] });
      assert.equal(why.summary, 'It waits for its advanced reservation to begin, or for room inside it.');
      assert.deepEqual(why.facts, [`${describeReservation(r)}.`]);
      assert.match(why.facts[0], /^Reservation zoo-future on node1 from 2027-12-05 \d\d:\d\d UTC to 2027-12-05 \d\d:\d\d UTC\.$/);
      assert.deepEqual(why.advice.map((a) => a.text), ['It can only run inside its reservation; to run sooner elsewhere, cancel it and submit again without --reservation.']);
    });

    test('PartitionNodeLimit and PartitionDown: the Hidden partitions as scontrol -a shows them', () => {
      const one = parsePartitionShow(read('partition-zoo-one.txt'));
      assert.deepEqual(one, { name: 'zoo-one', state: 'UP', maxNodes: '1', minNodes: '0', maxTime: '00:10:00', totalNodes: 2 });
      const nodeLimit = explainPending(job('partitionNodeLimit'), { partition: { name: 'zoo-one', nodeCount: one?.totalNodes, state: one?.state, maxNodes: one?.maxNodes, minNodes: one?.minNodes } });
      assert.equal(nodeLimit.summary, 'It asks for more nodes than partition zoo-one allows per job (or fewer than its minimum).');
      assert.deepEqual(nodeLimit.facts, ['Partition zoo-one allows at most 1 node(s) per job.', 'Partition zoo-one has 2 node(s) in all.']);
      const down = parsePartitionShow(read('partition-zoo-down.txt'));
      assert.equal(down?.state, 'DOWN');
      const why = explainPending(job('partitionDown'), { partition: { name: 'zoo-down', state: down?.state } });
      assert.equal(why.summary, 'Partition zoo-down is down: no job starts there until the administrators bring it back.');
      assert.deepEqual(why.facts, ['Slurm says partition zoo-down is DOWN.']);
    });
  });
}

test('assoc_mgr and partition argv: one call each, names checked', () => {
  assert.deepEqual(assocMgrArgv({ user: 'slurmuser', account: 'zoo-assoc-cpu', qos: 'normal' }), ['scontrol', 'show', 'assoc_mgr', 'flags=assoc,qos', 'users=slurmuser', 'accounts=zoo-assoc-cpu', 'qos=normal']);
  assert.throws(() => assocMgrArgv({ user: 'a b' }), /Invalid user name/);
  assert.deepEqual(partitionShowArgv('zoo-one'), ['scontrol', '-a', 'show', 'partition', 'zoo-one']);
  assert.throws(() => partitionShowArgv('x;y'), /Invalid partition name/);
});

test('limit keys for the reason names Slurm prints', () => {
  assert.deepEqual(limitKey('QOSMaxJobsPerUserLimit'), { kind: 'qos', key: 'MaxJobsPU' });
  assert.deepEqual(limitKey('QOSMaxSubmitJobPerUserLimit'), { kind: 'qos', key: 'MaxSubmitJobsPU' });
  assert.deepEqual(limitKey('QOSGrpJobsLimit'), { kind: 'qos', key: 'GrpJobs' });
  assert.deepEqual(limitKey('AssocMaxJobsLimit'), { kind: 'assoc', key: 'MaxJobs' });
  assert.deepEqual(limitKey('AssocGrpCpuLimit'), { kind: 'assoc', key: 'GrpTRES', tres: 'cpu' });
  assert.deepEqual(limitKey('AssocGrpCPURunMinutesLimit'), { kind: 'assoc', key: 'GrpTRESRunMins', tres: 'cpu' });
  assert.deepEqual(limitKey('QOSMaxGRESPerUser'), { kind: 'qos', key: 'MaxTRESPU', tres: 'gres/' });
  assert.deepEqual(limitKey('QOSMaxCpuPerJobLimit'), { kind: 'qos', key: 'MaxTRESPJ', tres: 'cpu' });
  assert.deepEqual(limitKey('QOSMaxWallDurationPerJobLimit'), { kind: 'qos', key: 'MaxWallPJ' });
  assert.deepEqual(limitKey('AssocGrpMemLimit'), { kind: 'assoc', key: 'GrpTRES', tres: 'mem' });
  assert.equal(limitKey('Priority'), undefined);
  assert.equal(limitKey('QOSNotAllowed'), undefined);
});

test('launch failed requeued held: its wording (the beds cannot produce it: a failing node Prolog drains the node)', () => {
  const why = explainPending({ id: '7', reason: 'launch failed requeued held' });
  assert.equal(why.code, 'launch failed requeued held');
  assert.match(why.summary, /failed to launch it on a node, requeued it and held it/);
  assert.deepEqual(why.advice.map((a) => a.action), ['release']);
});
