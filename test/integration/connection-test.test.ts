// "Test Connection" against every selected bed, through the real ssh2 transport: the report names
// the real Slurm version, remote user and cluster name, with a measured latency.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testConnection } from '../../src/session/connectionTest';
import { readBeds, bedLabel } from './bed';
import { bedTransport } from './bedTransport';

for (const bed of readBeds()) {
  describe(`Test Connection (${bedLabel(bed)})`, () => {
    it('reports version, user, cluster name and latency', async () => {
      const transport = bedTransport(bed);
      try {
        const report = await testConnection(transport, { timeoutMs: 30_000 });
        assert.equal(report.slurmVersion, bed.slurmVersion);
        assert.equal(report.user, bed.user);
        assert.equal(report.clusterName, bed.clusterName);
        assert.ok(report.latencyMs > 0 && report.latencyMs < 30_000);
        assert.ok(report.firstAnswerMs >= report.latencyMs * 0.5);
      } finally {
        transport.dispose();
      }
    });
  });
}
