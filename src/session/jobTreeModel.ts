/**
 * The Jobs view's structure for one cluster, as plain data: state groups (running, pending,
 * recently finished) with counts — or a flat list — with array tasks collapsed under their array,
 * filtered and sorted. Pure and linear in the number of jobs (see the poll-cycle bench).
 */
import type { JobRow } from './jobRow';
import { stateLook, type StateGroup } from './jobPresentation';

export type GroupBy = 'state' | 'none';
export type SortBy = 'id' | 'name' | 'state' | 'submitTime';

export interface JobFilter {
  /** Case-insensitive words; every word must match id, name, partition, state, reason or nodes. */
  text?: string;
  /** Only these groups. */
  groups?: readonly StateGroup[];
}

export type JobTreeEntry =
  | { kind: 'group'; key: string; group: StateGroup; label: string; count: number; children: JobTreeEntry[] }
  | { kind: 'array'; key: string; arrayJobId: string; name: string; counts: Record<StateGroup, number>; children: JobTreeEntry[] }
  | { kind: 'job'; key: string; job: JobRow };

export interface JobTreeOptions {
  groupBy: GroupBy;
  sortBy: SortBy;
  filter?: JobFilter;
}

const GROUP_LABELS: Record<StateGroup, string> = { running: 'Running', pending: 'Pending', finished: 'Recently finished' };
const GROUP_ORDER: readonly StateGroup[] = ['running', 'pending', 'finished'];

export function buildJobTree(jobs: readonly JobRow[], options: JobTreeOptions): JobTreeEntry[] {
  const matches = compileFilter(options.filter);
  const kept = jobs.filter(matches);
  const compare = comparator(options.sortBy);
  if (options.groupBy === 'none') return collapseArrays(kept, compare, '');
  const byGroup: Record<StateGroup, JobRow[]> = { running: [], pending: [], finished: [] };
  for (const job of kept) byGroup[stateLook(job.state).group].push(job);
  const out: JobTreeEntry[] = [];
  for (const group of GROUP_ORDER) {
    const rows = byGroup[group];
    if (rows.length === 0) continue;
    out.push({ kind: 'group', key: `group:${group}`, group, label: GROUP_LABELS[group], count: rows.length, children: collapseArrays(rows, compare, `${group}/`) });
  }
  return out;
}

/** Array tasks (and the pending remainder) of one array become children of one array entry. */
function collapseArrays(rows: JobRow[], compare: (a: JobRow, b: JobRow) => number, keyPrefix: string): JobTreeEntry[] {
  const arrays = new Map<string, JobRow[]>();
  const singles: JobRow[] = [];
  for (const row of rows) {
    if (row.arrayJobId !== undefined) {
      let list = arrays.get(row.arrayJobId);
      if (!list) arrays.set(row.arrayJobId, (list = []));
      list.push(row);
    } else singles.push(row);
  }
  type Sortable = { sortRow: JobRow; entry: JobTreeEntry };
  const items: Sortable[] = singles.map((job) => ({ sortRow: job, entry: { kind: 'job', key: `${keyPrefix}${job.id}`, job } }));
  for (const [arrayJobId, tasks] of arrays) {
    if (tasks.length === 1 && !tasks[0].id.includes('[')) {
      // A lone task needs no parent.
      items.push({ sortRow: tasks[0], entry: { kind: 'job', key: `${keyPrefix}${tasks[0].id}`, job: tasks[0] } });
      continue;
    }
    tasks.sort(byTaskOrder);
    const counts: Record<StateGroup, number> = { running: 0, pending: 0, finished: 0 };
    for (const t of tasks) counts[stateLook(t.state).group] += taskWeight(t);
    items.push({
      sortRow: { ...tasks[0], id: arrayJobId, name: tasks[0].name },
      entry: {
        kind: 'array',
        key: `${keyPrefix}array:${arrayJobId}`,
        arrayJobId,
        name: tasks[0].name,
        counts,
        children: tasks.map((job) => ({ kind: 'job', key: `${keyPrefix}${job.id}`, job })),
      },
    });
  }
  items.sort((a, b) => compare(a.sortRow, b.sortRow));
  return items.map((i) => i.entry);
}

/** A pending remainder "12_[3-9%2]" stands for several tasks; count them for the array's summary. */
function taskWeight(row: JobRow): number {
  const m = /_\[([^\]%]*)/.exec(row.id);
  if (!m) return 1;
  let n = 0;
  for (const part of m[1].split(',')) {
    const r = /^(\d+)(?:-(\d+))?(?::(\d+))?$/.exec(part);
    if (!r) return 1;
    const lo = Number(r[1]);
    const hi = r[2] !== undefined ? Number(r[2]) : lo;
    const step = r[3] !== undefined ? Number(r[3]) : 1;
    n += Math.floor((hi - lo) / step) + 1;
  }
  return n > 0 ? n : 1;
}

function byTaskOrder(a: JobRow, b: JobRow): number {
  return taskNumber(a) - taskNumber(b);
}

function taskNumber(row: JobRow): number {
  const m = /_(\d+)$/.exec(row.id);
  if (m) return Number(m[1]);
  const r = /_\[(\d+)/.exec(row.id);
  return r ? Number(r[1]) : Number.MAX_SAFE_INTEGER;
}

function numericId(row: JobRow): number {
  return Number.parseInt(row.arrayJobId ?? row.id, 10);
}

function comparator(sortBy: SortBy): (a: JobRow, b: JobRow) => number {
  const newestFirst = (a: JobRow, b: JobRow): number => numericId(b) - numericId(a) || taskNumber(a) - taskNumber(b);
  switch (sortBy) {
    case 'name':
      return (a, b) => a.name.localeCompare(b.name) || newestFirst(a, b);
    case 'state':
      return (a, b) => a.state.localeCompare(b.state) || newestFirst(a, b);
    case 'submitTime':
      return (a, b) => (b.submitTime ?? 0) - (a.submitTime ?? 0) || newestFirst(a, b);
    case 'id':
    default:
      return newestFirst;
  }
}

function compileFilter(filter: JobFilter | undefined): (job: JobRow) => boolean {
  const words = (filter?.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const groups = filter?.groups && filter.groups.length > 0 ? new Set(filter.groups) : undefined;
  if (words.length === 0 && !groups) return () => true;
  return (job) => {
    if (groups && !groups.has(stateLook(job.state).group)) return false;
    if (words.length === 0) return true;
    const hay = [job.id, job.name, job.partition, job.state, job.reason, job.nodes].filter(Boolean).join('\u0000').toLowerCase();
    return words.every((w) => hay.includes(w));
  };
}
