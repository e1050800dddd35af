// Reservations (recorded scontrol output), the overlap check, "wait for resources" conditions and
// the watch registry, and the submit flow's partition summary — all on recorded 22.05 outputs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseSinfo } from '../../src/slurm/sinfo';
import { SlurmParseError } from '../../src/slurm/errors';
import { buildClusterResources, type ClusterResources } from '../../src/resources/model';
import { describeReservation, overlappingReservations, parseReservations, scontrolShowReservationsArgv } from '../../src/slurm/reservations';
import { describeCondition, evaluateCondition, ResourceConditionSchema, type ResourceCondition } from '../../src/resources/watch';
import { WatchRegistry } from '../../src/resources/watchRegistry';
import { choiceStatus, summarizePartitions } from '../../src/resources/partitionSummary';
import { postWebhook, webhookHost, type FetchLike } from '../../src/core/webhook';

const dir = join(__dirname, '..', 'fixtures', 'slurm-22.05', 'resources');
const read = (f: string) => readFileSync(join(dir, f), 'utf8');
const reservations = parseReservations(read('scontrol-res-two.txt'), 0);
const model = (f: string, at = 1000): ClusterResources => buildClusterResources('bundled', parseSinfo(read(f)), reservations, at);
const cond = (c: Partial<ResourceCondition>): ResourceCondition => ResourceConditionSchema.parse({ cluster: 'bundled', partition: 'gpu', resource: 'gpu', count: 2, ...c });

describe('reservations', () => {
  it('none', () => {
    assert.deepEqual(parseReservations(read('scontrol-res-none.txt'), 0), []);
  });

  it('two, with zones, flags, expanded nodes and partition', () => {
    assert.deepEqual(scontrolShowReservationsArgv(), ['env', 'SLURM_TIME_FORMAT=%Y-%m-%dT%H:%M:%S%z', 'scontrol', 'show', 'reservation', '-o']);
    const [maint, team] = reservations;
    assert.equal(maint.name, 'h8_maint');
    assert.equal(maint.start.toISOString(), '2026-12-26T14:00:00.000Z');
    assert.equal(maint.end.toISOString(), '2026-12-26T16:00:00.000Z');
    assert.deepEqual(maint.nodes, ['node3', 'node4']);
    assert.equal(maint.maintenance, true);
    assert.deepEqual(maint.flags, ['MAINT', 'IGNORE_JOBS', 'SPEC_NODES']);
    assert.equal(maint.partition, undefined);
    assert.equal(maint.users, 'root');
    assert.equal(maint.state, 'INACTIVE');
    assert.equal(team.partition, 'gpu');
    assert.equal(team.maintenance, false);
    assert.deepEqual(team.nodes, ['node4']);
    assert.equal(team.end.toISOString(), '2026-12-28T09:00:00.000Z');
    assert.equal(describeReservation(maint), 'Maintenance reservation h8_maint on node[3-4] from 2026-12-26 14:00 UTC to 2026-12-26 16:00 UTC');
  });

  it('a line that is not Key=Value pairs is a parse error naming the call', () => {
    assert.throws(() => parseReservations('garbage here\n', 0), (e) => e instanceof SlurmParseError && /scontrol show reservation/.test(e.message));
    assert.throws(() => parseReservations('ReservationName=x StartTime=soon EndTime=later\n', 0), SlurmParseError);
  });

  it('overlap is half-open and limited to the partition\'s nodes', () => {
    const at = (iso: string) => new Date(iso);
    const gpuNodes = { nodes: ['node3', 'node4'], partition: 'gpu' };
    const debugOnly = { nodes: ['node1', 'node2'], partition: 'debug' };
    const names = (w: { start: Date; end: Date }, s: typeof gpuNodes) => overlappingReservations(reservations, w, s).map((r) => r.name);
    assert.deepEqual(names({ start: at('2026-12-26T13:00:00Z'), end: at('2026-12-26T14:30:00Z') }, gpuNodes), ['h8_maint']);
    assert.deepEqual(names({ start: at('2026-12-26T13:00:00Z'), end: at('2026-12-26T14:00:00Z') }, gpuNodes), []);
    assert.deepEqual(names({ start: at('2026-12-26T15:00:00Z'), end: at('2026-12-27T10:00:00Z') }, gpuNodes), ['h8_maint', 'h8_team']);
    assert.deepEqual(names({ start: at('2026-12-26T13:00:00Z'), end: at('2026-12-28T00:00:00Z') }, debugOnly), []);
  });
});

describe('wait-for-resources conditions', () => {
  it('2 GPUs in gpu: holds when idle, not when busy', () => {
    assert.deepEqual(evaluateCondition(model('sinfo-idle.txt'), cond({})), { holds: true, free: 4, detail: '4 GPUs free in gpu (need 2)' });
    assert.deepEqual(evaluateCondition(model('sinfo-busy.txt'), cond({})), { holds: false, free: 1, detail: '1 GPU free in gpu (need 2)' });
  });

  it('on one node, CPUs, unknown partitions and GPU types', () => {
    assert.equal(evaluateCondition(model('sinfo-idle.txt'), cond({ onOneNode: true, count: 3 })).holds, false);
    assert.equal(evaluateCondition(model('sinfo-idle.txt'), cond({ onOneNode: true, count: 2 })).holds, true);
    assert.deepEqual(evaluateCondition(model('sinfo-busy.txt'), cond({ resource: 'cpu', partition: 'debug', count: 9 })), { holds: true, free: 9, detail: '9 CPUs free in debug (need 9)' });
    assert.equal(evaluateCondition(model('sinfo-drained.txt'), cond({ resource: 'cpu', partition: 'debug', count: 6 })).holds, false);
    assert.deepEqual(evaluateCondition(model('sinfo-idle.txt'), cond({ partition: 'nope' })), { holds: false, free: 0, detail: 'partition nope is not on bundled' });
    assert.equal(evaluateCondition(model('sinfo-idle.txt'), cond({ gpuType: 'a100' })).holds, false);
    assert.equal(evaluateCondition(model('sinfo-idle.txt'), cond({ gpuType: 'gpu' })).holds, true);
    assert.equal(describeCondition(cond({})), '2 GPUs free in gpu');
    assert.equal(describeCondition(cond({ resource: 'cpu', count: 1, onOneNode: true })), '1 CPU free in gpu on one node');
  });

  it('a down partition never satisfies a condition', () => {
    const r = model('sinfo-idle.txt');
    const p = r.partitions.find((x) => x.name === 'gpu');
    assert.ok(p);
    p.available = 'down';
    p.acceptsJobs = false;
    assert.deepEqual(evaluateCondition(r, cond({})), { holds: false, free: 0, detail: 'partition gpu is down' });
  });

  it('conditions are validated', () => {
    assert.throws(() => ResourceConditionSchema.parse({ cluster: 'b', partition: 'gpu', resource: 'gpu', count: 0 }));
    assert.throws(() => ResourceConditionSchema.parse({ cluster: 'b', partition: 'gpu', resource: 'disk', count: 1 }));
  });
});

describe('watch registry', () => {
  it('fires once, only on a reading taken after the watch was added, then forgets it', () => {
    let now = 5000;
    const reg = new WatchRegistry(() => now);
    const fired: string[] = [];
    reg.onDidFire((f) => fired.push(`${f.watch.id}: ${f.result.detail}`));
    const w = reg.add(cond({}), { webhook: true });
    assert.equal(w.webhook, true);
    // A reading older than the watch (taken before the user asked) is ignored.
    assert.deepEqual(reg.accept(model('sinfo-idle.txt', 4000)), []);
    assert.deepEqual(reg.accept(model('sinfo-busy.txt', 6000)), []);
    assert.equal(reg.get(w.id)?.last?.detail, '1 GPU free in gpu (need 2)');
    assert.deepEqual(fired, []);
    now = 7000;
    assert.equal(reg.accept(model('sinfo-idle.txt', 7000)).length, 1);
    assert.deepEqual(fired, [`${w.id}: 4 GPUs free in gpu (need 2)`]);
    assert.equal(reg.all().length, 0);
    assert.equal(reg.accept(model('sinfo-idle.txt', 8000)).length, 0);
  });

  it('watches of other clusters are untouched; cancel and retain work', () => {
    const reg = new WatchRegistry(() => 0);
    let changes = 0;
    reg.onDidChange(() => changes++);
    const a = reg.add(cond({ cluster: 'other' }));
    const b = reg.add(cond({}));
    assert.deepEqual(reg.accept(model('sinfo-busy.txt')), []);
    assert.equal(reg.hasWatches('other'), true);
    assert.equal(reg.cancel(b.id), true);
    assert.equal(reg.cancel(b.id), false);
    assert.deepEqual(reg.retainClusters(new Set(['bundled'])).map((w) => w.id), [a.id]);
    assert.equal(reg.all().length, 0);
    assert.ok(changes >= 4);
  });
});

describe('partition summary for the submit flow', () => {
  it('free figures next to each partition, default first', () => {
    const list = summarizePartitions(model('sinfo-busy.txt'), {});
    assert.deepEqual(list.map((c) => [c.partition, c.description, c.fitsNow, c.canEverFit]), [
      ['debug', '9/16 CPU free · 1/4 GPU free', true, true],
      ['gpu', '5/8 CPU free · 1/4 GPU free', true, true],
    ]);
  });

  it('marks partitions that cannot satisfy a request, and says why', () => {
    const busy = model('sinfo-busy.txt');
    const two = summarizePartitions(busy, { gpusPerNode: 2 });
    assert.deepEqual(two.map((c) => [c.partition, c.fitsNow, c.canEverFit, choiceStatus(c)]), [
      ['debug', false, true, 'would queue: not enough free right now'],
      ['gpu', false, true, 'would queue: not enough free right now'],
    ]);
    const three = summarizePartitions(busy, { gpusPerNode: 3 });
    assert.equal(three[1].problem, 'no node has 1 CPU + 3 GPUs');
    assert.equal(choiceStatus(three[1]), 'cannot run here: no node has 1 CPU + 3 GPUs');
    assert.equal(summarizePartitions(busy, { nodes: 3, gpusPerNode: 1 })[1].problem, 'only 2 of 3 nodes have 1 CPU + 1 GPU');
    assert.equal(summarizePartitions(busy, { timeLimitSeconds: 7200 })[0].problem, 'time limit is 1:00:00');
    assert.equal(summarizePartitions(busy, { gpuType: 'a100', gpusPerNode: 1 })[1].canEverFit, false);
  });

  it('warns about reservations overlapping [now, now + limit]', () => {
    const idle = model('sinfo-idle.txt', Date.parse('2026-12-26T13:30:00Z'));
    const list = summarizePartitions(idle, { timeLimitSeconds: 3600 });
    assert.deepEqual(list.find((c) => c.partition === 'gpu')?.warnings, ['Maintenance reservation h8_maint on node[3-4] from 2026-12-26 14:00 UTC to 2026-12-26 16:00 UTC']);
    // debug holds node3/node4 too.
    assert.equal(list.find((c) => c.partition === 'debug')?.warnings.length, 1);
    assert.deepEqual(summarizePartitions(idle, { timeLimitSeconds: 1200 })[1].warnings, []);
  });
});

describe('webhook', () => {
  const payload = { event: 'slurm.resources.available' as const, cluster: 'b', partition: 'gpu', resource: 'gpu' as const, requested: 2, free: 2, message: 'm', at: '2026-01-01T00:00:00Z' };
  it('POSTs JSON; errors name the host, never the path or token', async () => {
    const calls: { url: string; body: string; method: string }[] = [];
    const ok: FetchLike = async (url, init) => {
      calls.push({ url, body: init.body, method: init.method });
      return { ok: true, status: 200 };
    };
    await postWebhook('https://hooks.example.org/T0K3N', payload, { fetch: ok });
    assert.equal(calls[0].method, 'POST');
    assert.deepEqual(JSON.parse(calls[0].body), payload);
    const refused: FetchLike = async () => ({ ok: false, status: 403 });
    await assert.rejects(postWebhook('https://hooks.example.org/T0K3N', payload, { fetch: refused }), (e: Error) => e.message === 'The webhook at hooks.example.org answered HTTP 403.' && !e.message.includes('T0K3N'));
    await assert.rejects(postWebhook('ftp://x', payload, { fetch: ok }), /not valid/);
    assert.equal(webhookHost('nonsense'), 'the webhook');
  });

  it('really POSTs to an HTTP server (a local one: no internet here)', async () => {
    const received: { method?: string; type?: string; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ method: req.method, type: req.headers['content-type'], body });
        res.statusCode = req.url === '/refuse' ? 500 : 204;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await postWebhook(`${base}/hook?token=s3cret`, payload);
      assert.deepEqual(received.map((r) => [r.method, r.type, JSON.parse(r.body).partition]), [['POST', 'application/json', 'gpu']]);
      await assert.rejects(postWebhook(`${base}/refuse`, payload), /answered HTTP 500/);
    } finally {
      server.close();
    }
  });
});
