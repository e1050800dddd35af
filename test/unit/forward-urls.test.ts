// Links a job prints (Jupyter, TensorBoard, Ray, http.server) found and rewritten to the local port;
// and the node address read from `scontrol show node -o` as printed by the bundled 22.05 cluster.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { detectForwardableUrls, matchNode, rewriteToLocal } from '../../src/forward/urlDetection';
import { nodeAddressCall, parseNodeAddress } from '../../src/forward/nodeAddress';

const nodes = ['node1', 'node2'];

describe('link detection in log lines', () => {
  it('Jupyter: loopback and node links with their token, as printed', () => {
    const text = [
      '[I 2026-12-05 05:30:00.123 ServerApp] Jupyter Server 2.14.0 is running at:',
      '[I 2026-12-05 05:30:00.123 ServerApp] http://node1:8888/lab?token=3f2a9c0b1d',
      '[I 2026-12-05 05:30:00.123 ServerApp]     http://127.0.0.1:8888/lab?token=3f2a9c0b1d',
    ].join('\n');
    const found = detectForwardableUrls(text, nodes);
    assert.deepEqual(found.map((f) => [f.url, f.node, f.port]), [
      ['http://node1:8888/lab?token=3f2a9c0b1d', 'node1', 8888],
      ['http://127.0.0.1:8888/lab?token=3f2a9c0b1d', undefined, 8888],
    ]);
    assert.equal(text.slice(found[0].start, found[0].end), found[0].url);
  });

  it('TensorBoard, Ray dashboard and http.server, prose punctuation left out', () => {
    const lines = [
      'TensorBoard 2.15.1 at http://node2.cluster.local:6006/ (Press CTRL+C to quit)',
      'View the Ray dashboard at http://127.0.0.1:8265.',
      'Serving HTTP on 0.0.0.0 port 8000 (http://0.0.0.0:8000/) ...',
      'see https://localhost:8443/x, then',
    ];
    const found = lines.flatMap((l) => detectForwardableUrls(l, nodes));
    assert.deepEqual(found.map((f) => [f.url, f.node, f.port, f.scheme]), [
      ['http://node2.cluster.local:6006/', 'node2', 6006, 'http'],
      ['http://127.0.0.1:8265', undefined, 8265, 'http'],
      ['http://0.0.0.0:8000/', undefined, 8000, 'http'],
      ['https://localhost:8443/x', undefined, 8443, 'https'],
    ]);
  });

  it('ignores links to other hosts, links without a port, and impossible ports', () => {
    const text = 'docs at https://jupyter.org/install and http://node3:8888/ and http://example.com:80/ and http://node1:99999/ and http://node10:1/';
    assert.deepEqual(detectForwardableUrls(text, nodes), []);
  });

  it('node names match whole labels only, any case', () => {
    assert.equal(matchNode('NODE1', nodes), 'node1');
    assert.equal(matchNode('node1.ib.cluster', nodes), 'node1');
    assert.equal(matchNode('node11', nodes), undefined);
  });
});

describe('rewriting to the local port', () => {
  it('keeps path, query and fragment byte for byte', () => {
    assert.equal(rewriteToLocal('http://node1:8888/lab?token=a%2Fb#cell', 41234), 'http://127.0.0.1:41234/lab?token=a%2Fb#cell');
    assert.equal(rewriteToLocal('https://[::1]:8443', 5000), 'https://127.0.0.1:5000');
    assert.equal(rewriteToLocal('http://0.0.0.0:8000/', 8001), 'http://127.0.0.1:8001/');
  });
});

describe('node address (scontrol show node -o)', () => {
  const line = 'NodeName=node2 Arch=x86_64 CoresPerSocket=4  CPUAlloc=0 CPUEfctv=4 CPUTot=4 CPULoad=1.70 AvailableFeatures=(null) ActiveFeatures=(null) Gres=(null) NodeAddr=127.0.0.1 NodeHostName=localhost Port=6822 Version=22.05.8 OS=Linux 6.18.44-fc-v1272 #1 SMP PREEMPT_DYNAMIC @0  RealMemory=4000 AllocMem=0 FreeMem=18987 Sockets=1 Boards=1 State=IDLE ThreadsPerCore=1 TmpDisk=0 Weight=1 Owner=N/A MCS_label=N/A Partitions=debug  BootTime=2026-12-04T15:41:30 SlurmdStartTime=2026-12-05T05:17:04 LastBusyTime=2026-12-05T05:20:29 CfgTRES=cpu=4,mem=4000M,billing=4 AllocTRES= CapWatts=n/a CurrentWatts=0 AveWatts=0 ExtSensorsJoules=n/s ExtSensorsWatts=0 ExtSensorsTemp=n/s\n';

  it('reads NodeAddr; falls back to the name', () => {
    assert.equal(parseNodeAddress(line, 'node2'), '127.0.0.1');
    assert.equal(parseNodeAddress('NodeName=gpu7 Arch=x86_64 State=IDLE\n', 'gpu7'), 'gpu7');
    assert.throws(() => parseNodeAddress('Node nodeX not found\n', 'nodeX'), /no record for node nodeX/);
  });

  it('refuses a node name that is not one (no option or shell text reaches scontrol)', () => {
    assert.deepEqual(nodeAddressCall('node2').argv, ['scontrol', 'show', 'node', '-o', 'node2']);
    assert.throws(() => nodeAddressCall('-all'), /not a Slurm node name/);
    assert.throws(() => nodeAddressCall('n1;id'), /not a Slurm node name/);
  });
});
