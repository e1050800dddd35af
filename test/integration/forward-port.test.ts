// Forwarded ports on the real cluster, over the ssh transport (ssh2 forwardOut through the real sshd)
// and the local transport (net.connect on this machine, which is the cluster's login node too). A job
// runs `python3 -m http.server` in a temp folder with a known file; the link it prints is detected
// in its log, forwarded and rewritten; GET returns the file. The forward closes when the job is
// cancelled (seen by the session's poll) and, over ssh, when our connection is dropped (our own sshd
// session process killed, never the shared daemon).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { logger } from '../../src/core/logger';
import { ForwardRegistry, type ForwardClosed } from '../../src/forward/forwardRegistry';
import { detectForwardableUrls, rewriteToLocal } from '../../src/forward/urlDetection';
import { expandHostlist } from '../../src/slurm/hostlist';
import { DEFAULT_TIMING } from '../../src/poller/poller';
import { ClusterSession } from '../../src/session/clusterSession';
import { LocalTransport } from '../../src/transport/localTransport';
import type { SshTransport } from '../../src/transport/sshTransport';
import type { Transport } from '../../src/transport/types';
import { readBed, type Bed } from './bed';
import { untilSnapshot } from './sessionWait';
import { bedProfile, deps, sshTransport, sshdPidForClientPort } from './transport-support';
import { freePort, httpGet } from './netSupport';

let bed: Bed;
before(() => {
  bed = readBed();
});

const fast = { ssh: { backoff: { initialMs: 200, maxMs: 1_000, factor: 2, maxAttempts: 10 } } };



async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 90_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function nextClose(registry: ForwardRegistry, ms = 90_000): Promise<ForwardClosed> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the forward did not close in time')), ms);
    const sub = registry.onDidClose((c) => {
      clearTimeout(timer);
      sub.dispose();
      resolve(c);
    });
  });
}

interface ServerJob {
  id: string;
  dir: string;
  port: number;
  body: string;
}

/** Submits, through the transport under test, a job serving a temp folder that holds hello.txt. */
async function submitServer(t: Transport): Promise<ServerJob> {
  const made = await t.exec(['mktemp', '-d', '/tmp/swb-forward.XXXXXX']);
  assert.equal(made.code, 0, made.stderr);
  const dir = made.stdout.trim();
  const body = `hello through the forward ${randomBytes(8).toString('hex')}\n`;
  await t.writeFile(`${dir}/hello.txt`, body);
  const port = await freePort();
  const sb = await t.exec(['sbatch', '--parsable', '-J', 'swb forward http', '-t', '5', '-o', `${dir}/job.log`, `--chdir=${dir}`, '--wrap', `exec python3 -u -m http.server ${port} --bind 0.0.0.0`]);
  assert.equal(sb.code, 0, sb.stderr);
  return { id: sb.stdout.trim().split(';')[0], dir, port, body };
}

async function cleanUp(t: Transport, job: ServerJob | undefined): Promise<void> {
  if (!job) return;
  await t.exec(['scancel', job.id]).catch(() => undefined);
  await t.exec(['rm', '-rf', job.dir]).catch(() => undefined);
}

const variants: { name: string; make(): Transport }[] = [
  { name: 'ssh', make: () => sshTransport(bedProfile(bed), deps(), fast) },
  { name: 'local', make: () => new LocalTransport({ logger }) },
];

for (const variant of variants) {
  describe(`forwarded port over the ${variant.name} transport`, () => {
    let session: ClusterSession;
    let registry: ForwardRegistry;
    const jobs: ServerJob[] = [];
    before(() => {
      session = new ClusterSession(bed.clusterName, variant.make(), { timing: { ...DEFAULT_TIMING, intervalMs: 1000 }, commandTimeoutMs: 30_000 });
      session.start();
      registry = new ForwardRegistry((name) => (name === bed.clusterName ? session : undefined));
    });
    after(async () => {
      registry.dispose();
      for (const job of jobs) await cleanUp(session.transport, job);
      session.dispose();
    });

    it('the link http.server prints, forwarded and rewritten, returns the file; cancelling the job closes the forward', async () => {
      const job = await submitServer(session.transport);
      jobs.push(job);
      const snap = await untilSnapshot(session, `job ${job.id} running`, (s) => s.jobs.some((j) => j.id === job.id && j.state === 'RUNNING'), 90_000);
      const nodes = expandHostlist(snap.jobs.find((j) => j.id === job.id)?.nodes ?? '');
      assert.equal(nodes.length, 1, 'one node');
      // The link as the job prints it: "Serving HTTP on 0.0.0.0 port N (http://0.0.0.0:N/) ...".
      const link = await until('the server link in the job log', async () => {
        const log = (await session.transport.readFile(`${job.dir}/job.log`)).toString();
        return detectForwardableUrls(log, nodes)[0];
      });
      assert.equal(link.port, job.port);
      const fwd = await registry.open({ profileName: bed.clusterName, jobId: job.id, node: link.node ?? nodes[0], remotePort: link.port });
      assert.equal(fwd.address, '127.0.0.1', "the bed's NodeAddr");
      const local = rewriteToLocal(link.url, fwd.localPort);
      assert.equal(local, `http://127.0.0.1:${fwd.localPort}/`);
      const res = await httpGet(`${local}hello.txt`);
      assert.deepEqual(res, { status: 200, body: job.body });
      // A few requests at once (a browser opens several connections).
      const many = await Promise.all(Array.from({ length: 6 }, () => httpGet(`${local}hello.txt`)));
      assert.ok(many.every((r) => r.status === 200 && r.body === job.body));

      const closed = nextClose(registry);
      const cancel = await session.transport.exec(['scancel', job.id]);
      assert.equal(cancel.code, 0, cancel.stderr);
      const c = await closed;
      assert.equal(c.forward.id, fwd.id);
      // The poll may catch the job on its way out (COMPLETING) or already CANCELLED.
      assert.match(c.reason, new RegExp(`^job ${job.id} (is (CANCELLED|COMPLETING)|has left the queue)`));
      assert.equal(c.byUser, false);
      assert.equal(registry.list().length, 0);
      await assert.rejects(httpGet(`${local}hello.txt`), /ECONNREFUSED/);
    });

    if (variant.name === 'ssh') {
      it('a dropped connection ends the forward with a message', async () => {
        const job = await submitServer(session.transport);
        jobs.push(job);
        const snap = await untilSnapshot(session, `job ${job.id} running`, (s) => s.jobs.some((j) => j.id === job.id && j.state === 'RUNNING'), 90_000);
        const node = expandHostlist(snap.jobs.find((j) => j.id === job.id)?.nodes ?? '')[0];
        const fwd = await registry.open({ profileName: bed.clusterName, jobId: job.id, node, remotePort: job.port });
        await until('the server answering', async () => ((await httpGet(`http://127.0.0.1:${fwd.localPort}/hello.txt`)).status === 200 ? true : undefined));
        const closed = nextClose(registry);
        const ssh = session.transport as SshTransport;
        const pid = sshdPidForClientPort(ssh.connectionInfo?.localPort ?? 0, bed.sshPort, bed.user);
        assert.ok(pid, 'found the sshd process serving our connection');
        process.kill(pid, 'SIGKILL');
        const c = await closed;
        assert.equal(c.forward.id, fwd.id);
        assert.match(c.reason, new RegExp(`^the connection to ${bed.clusterName} was lost`));
        assert.equal(c.byUser, false);
        await assert.rejects(httpGet(`http://127.0.0.1:${fwd.localPort}/hello.txt`), /ECONNREFUSED/);
        // After the reconnect a new forward to the same job works again.
        await untilSnapshot(session, 'reconnected', (s) => s.connection.kind === 'connected', 60_000);
        const again = await registry.open({ profileName: bed.clusterName, jobId: job.id, node, remotePort: job.port });
        const res = await httpGet(`http://127.0.0.1:${again.localPort}/hello.txt`);
        assert.deepEqual(res, { status: 200, body: job.body });
      });
    }
  });
}
