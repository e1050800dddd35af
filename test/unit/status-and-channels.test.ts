// Issue 18, point 8: the status bar of an unreachable cluster, and how many finished jobs' output
// channels stay open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusBarLook } from '../../src/views/statusBarText';
import { channelsToClose } from '../../src/logs/channelPolicy';
import type { JobRow } from '../../src/session/jobRow';

const job = (id: string, state: string): JobRow => ({ id, actionId: id, name: 'x', state, source: 'squeue' });
const ok = { profileName: 'bundled', connection: { kind: 'connected' as const }, jobs: [job('1', 'RUNNING'), job('2', 'PENDING'), job('3', 'PENDING')], stale: false, lastUpdated: 1 };
const down = { profileName: 'hpc', connection: { kind: 'failed' as const, error: 'connect ECONNREFUSED 10.0.0.1:22' }, jobs: [], stale: false, error: 'connect ECONNREFUSED 10.0.0.1:22' };

test('an unreachable cluster says so, not "0 R · 0 PD"', () => {
  const look = statusBarLook([down]);
  assert.equal(look.text, '$(debug-disconnect) hpc: unreachable');
  assert.equal(look.warning, true);
  assert.match(look.tooltip, /hpc: unreachable — connect ECONNREFUSED/);
  // Never answered a poll and the connection is not up (e.g. refused at first, then disconnected).
  assert.equal(statusBarLook([{ ...down, connection: { kind: 'disconnected' } }]).text, '$(debug-disconnect) hpc: unreachable');
  assert.equal(statusBarLook([down, { ...down, profileName: 'b' }]).text, '$(debug-disconnect) Slurm: 2 clusters unreachable');
});

test('counts come only from clusters that answer; another one down is named', () => {
  assert.equal(statusBarLook([ok]).text, '$(server-environment) Slurm: 1 R · 2 PD');
  assert.equal(statusBarLook([ok, down]).text, '$(warning) Slurm: 1 R · 2 PD · hpc unreachable');
  // A busy controller (connected, the last poll failed, jobs kept stale) is not unreachable.
  assert.equal(statusBarLook([{ ...ok, stale: true, error: 'slurmctld busy' }]).text, '$(warning) Slurm: 1 R · 2 PD');
  assert.equal(statusBarLook([{ ...ok, connection: { kind: 'connecting' }, jobs: [], lastUpdated: undefined }]).text, '$(sync~spin) Slurm: bundled: connecting…');
});

test('finished jobs keep at most N channels, the most recently used; followed ones always stay', () => {
  const uses = [
    { key: 'a', followed: true, lastUsed: 1 },
    { key: 'b', followed: false, lastUsed: 2 },
    { key: 'c', followed: false, lastUsed: 5 },
    { key: 'd', followed: false, lastUsed: 3 },
    { key: 'e', followed: true, lastUsed: 0 },
  ];
  assert.deepEqual(channelsToClose(uses, 2), ['b']);
  assert.deepEqual(channelsToClose(uses, 0).sort(), ['b', 'c', 'd']);
  assert.deepEqual(channelsToClose(uses, 5), []);
});
