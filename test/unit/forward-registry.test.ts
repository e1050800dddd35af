// The forward registry with a real local listener and a real HTTP server on this machine. The
// cluster cannot exist in a unit test: the transport is a double whose `exec` answers scontrol with
// a line recorded from the bundled cluster and whose `openTcp` is the local transport's net.connect;
// the session is a double whose job list and connection state the test sets. The integration test
// (test/integration/forward-port.test.ts) runs the same registry over the real ssh and local transports.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Emitter } from '../../src/core/disposable';
import { ForwardRegistry, type ForwardClosed, type ForwardSession } from '../../src/forward/forwardRegistry';
import { openLocalTcp } from '../../src/transport/localTcp';
import type { ConnectionState, Transport } from '../../src/transport/types';

const SCONTROL_NODE1 = 'NodeName=node1 Arch=x86_64 CoresPerSocket=4  CPUAlloc=1 NodeAddr=127.0.0.1 NodeHostName=localhost Port=6821 Version=22.05.8 State=MIXED Partitions=debug\n';

function httpGet(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/hello.txt', agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

class SessionDouble implements ForwardSession {
  readonly profileName = 'bundled';
  readonly state = new Emitter<ConnectionState>();
  readonly changes = new Emitter<unknown>();
  readonly onDidChange = this.changes.event;
  execs: string[][] = [];
  snapshot: ForwardSession['snapshot'] = { jobs: [{ id: '42', state: 'RUNNING' }], loading: false };
  readonly transport = {
    label: 'double',
    state: { kind: 'connected' },
    onDidChangeState: this.state.event,
    exec: async (argv: readonly string[]) => {
      this.execs.push([...argv]);
      return { stdout: SCONTROL_NODE1, stderr: '', code: 0 };
    },
    openTcp: (host: string, port: number) => openLocalTcp(host, port),
  } as unknown as Transport;

  setJobs(jobs: { id: string; state: string }[]): void {
    this.snapshot = { jobs, loading: false };
    this.changes.fire({});
  }
}

let server: Server;
let serverPort: number;
before(async () => {
  server = createServer((req, res) => {
    res.writeHead(req.url === '/hello.txt' ? 200 : 404, { 'content-type': 'text/plain' });
    res.end(req.url === '/hello.txt' ? 'hello from the job\n' : 'no');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  serverPort = (server.address() as AddressInfo).port;
});
after(() => server.close());

describe('forward registry', () => {
  it('forwards a local port to the node address scontrol gives, one forward per job/node/port', async () => {
    const session = new SessionDouble();
    const registry = new ForwardRegistry((name) => (name === 'bundled' ? session : undefined));
    try {
      const fwd = await registry.open({ profileName: 'bundled', jobId: '42', node: 'node1', remotePort: serverPort });
      assert.equal(fwd.address, '127.0.0.1');
      assert.deepEqual(session.execs[0].slice(-5), ['scontrol', 'show', 'node', '-o', 'node1']);
      assert.notEqual(fwd.localPort, serverPort);
      const res = await httpGet(fwd.localPort);
      assert.deepEqual(res, { status: 200, body: 'hello from the job\n' });
      const again = await registry.open({ profileName: 'bundled', jobId: '42', node: 'node1', remotePort: serverPort });
      assert.equal(again.id, fwd.id, 'the open forward is reused');
      assert.equal(registry.list().length, 1);
    } finally {
      registry.dispose();
    }
  });

  it('closes with the reason when the job stops running, and refuses a job that is not running', async () => {
    const session = new SessionDouble();
    const registry = new ForwardRegistry(() => session);
    const closed: ForwardClosed[] = [];
    registry.onDidClose((c) => closed.push(c));
    try {
      const fwd = await registry.open({ profileName: 'bundled', jobId: '42', node: 'node1', remotePort: serverPort });
      session.setJobs([{ id: '42', state: 'RUNNING' }]);
      assert.equal(registry.list().length, 1, 'still running: still open');
      session.setJobs([{ id: '42', state: 'CANCELLED' }]);
      assert.equal(registry.list().length, 0);
      assert.equal(closed[0].forward.id, fwd.id);
      assert.equal(closed[0].reason, 'job 42 is CANCELLED');
      assert.equal(closed[0].byUser, false);
      await assert.rejects(httpGet(fwd.localPort), /ECONNREFUSED/);
      await assert.rejects(registry.open({ profileName: 'bundled', jobId: '42', node: 'node1', remotePort: serverPort }), /Job 42 is CANCELLED, not running/);
    } finally {
      registry.dispose();
    }
  });

  it('closes every forward of a cluster whose connection drops, saying why', async () => {
    const session = new SessionDouble();
    const registry = new ForwardRegistry(() => session);
    const closed: ForwardClosed[] = [];
    registry.onDidClose((c) => closed.push(c));
    try {
      await registry.open({ profileName: 'bundled', jobId: '42', node: 'node1', remotePort: serverPort });
      session.state.fire({ kind: 'reconnecting', attempt: 1, lastError: 'read ECONNRESET' });
      assert.equal(registry.list().length, 0);
      assert.equal(closed[0].reason, 'the connection to bundled was lost (read ECONNRESET)');
    } finally {
      registry.dispose();
    }
  });

  it('a taken local port is an error, or any free port when asked', async () => {
    const session = new SessionDouble();
    const registry = new ForwardRegistry(() => session);
    try {
      await assert.rejects(registry.open({ profileName: 'bundled', jobId: '42', node: 'node1', remotePort: serverPort, localPort: serverPort }), /Local port \d+ is already in use/);
      const fwd = await registry.open({ profileName: 'bundled', jobId: '42', node: 'node1', remotePort: serverPort, localPort: serverPort, anyPortIfTaken: true });
      assert.notEqual(fwd.localPort, serverPort);
      registry.close(fwd.id);
      assert.equal(registry.list().length, 0);
    } finally {
      registry.dispose();
    }
  });
});
