// Waiting for a ClusterSession's snapshot to say something (outage and rate-limit suites).
import type { ClusterSession, ClusterSnapshot } from '../../src/session/clusterSession';

/** Resolves with the first snapshot `accept` takes (the current one included); rejects after `timeoutMs` with the last one. */
export function untilSnapshot(session: ClusterSession, what: string, accept: (s: ClusterSnapshot) => boolean, timeoutMs = 60_000): Promise<ClusterSnapshot> {
  if (accept(session.snapshot)) return Promise.resolve(session.snapshot);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out waiting for ${what}; last: ${JSON.stringify({ ...session.snapshot, jobs: session.snapshot.jobs.length })}`));
    }, timeoutMs);
    const sub = session.onDidChange(({ snapshot }) => {
      if (accept(snapshot)) {
        clearTimeout(timer);
        sub.dispose();
        resolve(snapshot);
      }
    });
  });
}
