/**
 * Diffs two snapshots keyed by id. O(n): one pass over each map. The caller supplies what
 * "changed" means (for jobs: state, reason, times...), so the tree refreshes only changed items.
 */
export interface SnapshotDiff<T> {
  added: T[];
  changed: { before: T; after: T }[];
  removed: T[];
  unchanged: number;
}

export function diffSnapshots<T>(
  before: ReadonlyMap<string, T>,
  after: ReadonlyMap<string, T>,
  same: (a: T, b: T) => boolean,
): SnapshotDiff<T> {
  const added: T[] = [];
  const changed: { before: T; after: T }[] = [];
  const removed: T[] = [];
  let unchanged = 0;
  for (const [id, next] of after) {
    const prev = before.get(id);
    if (prev === undefined) added.push(next);
    else if (same(prev, next)) unchanged++;
    else changed.push({ before: prev, after: next });
  }
  for (const [id, prev] of before) {
    if (!after.has(id)) removed.push(prev);
  }
  return { added, changed, removed, unchanged };
}

export function isEmptyDiff<T>(d: SnapshotDiff<T>): boolean {
  return d.added.length === 0 && d.changed.length === 0 && d.removed.length === 0;
}
