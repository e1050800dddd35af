/**
 * Turns a command's arguments into the jobs it acts on, grouped per cluster. Tree context menus pass
 * (clicked node, selected nodes); the palette passes nothing, and we ask with a quick pick.
 */
import * as vscode from 'vscode';
import type { ClusterSession } from '../session/clusterSession';
import type { JobRow } from '../session/jobRow';
import type { SessionRegistry } from '../session/sessionRegistry';
import type { JobsTreeNode } from '../views/jobsTree';

export interface JobTarget {
  session: ClusterSession;
  /** Ids to pass to scancel/scontrol (an array's id acts on all its tasks). */
  ids: string[];
  /** Rows behind the ids, for messages; an array node contributes its tasks. */
  rows: JobRow[];
}

/** An explicit target from other code: `{ cluster, jobId }`. */
export interface JobRef {
  cluster: string;
  jobId: string;
}

function isJobRef(x: unknown): x is JobRef {
  return typeof x === 'object' && x !== null && typeof (x as JobRef).cluster === 'string' && typeof (x as JobRef).jobId === 'string';
}

function isTreeNode(x: unknown): x is JobsTreeNode {
  return typeof x === 'object' && x !== null && typeof (x as { kind?: unknown }).kind === 'string' && 'cluster' in (x as object);
}

export async function resolveJobTargets(
  registry: SessionRegistry,
  clicked: unknown,
  selected: unknown,
  pick: { title: string; accept: (job: JobRow) => boolean; canPickMany?: boolean },
): Promise<JobTarget[]> {
  const byCluster = new Map<string, JobTarget>();
  const add = (cluster: string, id: string, rows: JobRow[]): void => {
    const session = registry.get(cluster);
    if (!session) return;
    let t = byCluster.get(cluster);
    if (!t) byCluster.set(cluster, (t = { session, ids: [], rows: [] }));
    if (!t.ids.includes(id)) {
      t.ids.push(id);
      t.rows.push(...rows);
    }
  };
  const nodes: unknown[] = Array.isArray(selected) && selected.length > 0 ? selected : clicked !== undefined ? [clicked] : [];
  for (const node of nodes) {
    if (isJobRef(node)) {
      const row = registry.get(node.cluster)?.snapshot.jobs.find((j) => j.id === node.jobId);
      add(node.cluster, node.jobId, row ? [row] : []);
    } else if (isTreeNode(node)) {
      if (node.kind === 'job') add(node.cluster, node.job.actionId, [node.job]);
      else if (node.kind === 'array') add(node.cluster, node.entry.arrayJobId, node.entry.children.flatMap((c) => (c.kind === 'job' ? [c.job] : [])));
    }
  }
  if (byCluster.size > 0 || nodes.length > 0) return [...byCluster.values()];

  const items: (vscode.QuickPickItem & { cluster: string; job: JobRow })[] = [];
  for (const session of registry.all()) {
    for (const job of session.snapshot.jobs) {
      if (!pick.accept(job)) continue;
      items.push({ label: `${job.id} ${job.name}`, description: `${session.profileName} · ${job.state}${job.partition ? ` · ${job.partition}` : ''}`, cluster: session.profileName, job });
    }
  }
  if (items.length === 0) {
    void vscode.window.showInformationMessage(`${pick.title}: no job to choose from.`);
    return [];
  }
  const chosen = pick.canPickMany
    ? await vscode.window.showQuickPick(items, { title: pick.title, canPickMany: true, matchOnDescription: true })
    : await vscode.window.showQuickPick(items, { title: pick.title, matchOnDescription: true }).then((x) => (x ? [x] : undefined));
  for (const c of chosen ?? []) add(c.cluster, c.job.actionId, [c.job]);
  return [...byCluster.values()];
}

export function describeTargets(targets: readonly JobTarget[]): string {
  const ids = targets.flatMap((t) => t.ids);
  if (ids.length === 1) {
    const row = targets[0].rows.find((r) => r.id === ids[0]);
    return `job ${ids[0]}${row ? ` "${row.name}"` : ''}`;
  }
  return `${ids.length} jobs (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''})`;
}
