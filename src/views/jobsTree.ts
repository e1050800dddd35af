/**
 * The Jobs view: clusters at the top (with connection state), then jobs grouped by state (or flat)
 * with array tasks under their array. Error, loading and empty states are tree items with an action.
 * A poll that only changed some jobs' fields refreshes just those items; structural changes refresh
 * that cluster's subtree, never the whole tree.
 */
import * as vscode from 'vscode';
import type { ClusterSession, ClusterSnapshot } from '../session/clusterSession';
import type { JobRow } from '../session/jobRow';
import { jobContextValue, jobDescription, jobLabel, stateLook, type JobMarks } from '../session/jobPresentation';
import { explainPending } from '../session/pendingReason';
import { efficiencySummary, timeUseNote, type Efficiency } from '../session/efficiency';
import { efficiencyBadge } from '../session/finishedEfficiency';
import { buildJobTree, type JobFilter, type JobTreeEntry, type JobTreeOptions } from '../session/jobTreeModel';
import type { SessionRegistry } from '../session/sessionRegistry';
import { isUnreachable } from './statusBarText';

/** What an item shows besides the job: its marks, and its efficiency once read (Show Efficiency, finishedEfficiency.ts). */
export type ItemMarks = JobMarks & { efficiency?: Efficiency };

export type JobsTreeNode = ClusterNode | GroupNode | ArrayNode | JobNode | MessageNode;

export class ClusterNode {
  readonly kind = 'cluster';
  constructor(readonly session: ClusterSession) {}
  get cluster(): string {
    return this.session.profileName;
  }
}

export class GroupNode {
  readonly kind = 'group';
  constructor(readonly cluster: string, readonly entry: Extract<JobTreeEntry, { kind: 'group' }>) {}
}

export class ArrayNode {
  readonly kind = 'array';
  constructor(readonly cluster: string, readonly entry: Extract<JobTreeEntry, { kind: 'array' }>, readonly parent: JobsTreeNode) {}
}

export class JobNode {
  readonly kind = 'job';
  constructor(readonly cluster: string, public job: JobRow, readonly parent?: JobsTreeNode) {}
}

export class MessageNode {
  readonly kind = 'message';
  constructor(
    readonly cluster: string,
    readonly label: string,
    readonly icon: string,
    readonly command?: vscode.Command,
    readonly tooltip?: string,
  ) {}
}

interface ClusterCache {
  node: ClusterNode;
  snapshot?: ClusterSnapshot;
  children?: JobsTreeNode[];
  jobNodes: Map<string, JobNode>;
}

export class JobsTreeProvider implements vscode.TreeDataProvider<JobsTreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<JobsTreeNode | JobsTreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly clusters = new Map<string, ClusterCache>();
  private readonly subscription: { dispose(): void };
  private filter: JobFilter = {};
  /** Followed / watched, asked when an item renders (see setMarks). */
  private marks: (cluster: string, jobId: string) => ItemMarks = () => ({});

  constructor(
    private readonly registry: SessionRegistry,
    private readonly options: () => Omit<JobTreeOptions, 'filter'>,
  ) {
    this.subscription = registry.onDidChange((change) => {
      const cache = change ? this.clusters.get(change.snapshot.profileName) : undefined;
      if (!change || !cache) {
        this.emitter.fire(undefined);
        return;
      }
      const updated = change.diff ? this.patchInPlace(cache, change.snapshot) : undefined;
      if (updated) {
        if (updated.length > 0) this.emitter.fire(updated);
      } else {
        cache.children = undefined;
        this.emitter.fire(cache.node);
      }
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }

  /** Where the items learn whether a job's log is followed and whether it is watched (its context menu depends on it). */
  setMarks(marks: (cluster: string, jobId: string) => ItemMarks): void {
    this.marks = marks;
    this.refreshMarks();
  }

  /** Follows or watches changed: re-render the job and array items already shown (no new children). */
  refreshMarks(): void {
    // The cached nodes stay; VS Code asks getTreeItem again for what it shows.
    this.emitter.fire(undefined);
  }

  get activeFilter(): JobFilter {
    return this.filter;
  }

  setFilter(filter: JobFilter): void {
    this.filter = filter;
    this.refreshAll();
  }

  /** Re-renders every cluster (e.g. after grouping or sorting settings changed). */
  refreshAll(): void {
    for (const c of this.clusters.values()) c.children = undefined;
    this.emitter.fire(undefined);
  }

  /** The node showing a job, building the cluster's children if needed (for reveal). */
  findJob(cluster: string, jobId: string): JobNode | undefined {
    const cache = this.clusters.get(cluster);
    if (!cache) return undefined;
    if (!cache.children) this.getChildren(cache.node);
    return cache.jobNodes.get(jobId);
  }

  getChildren(element?: JobsTreeNode): JobsTreeNode[] {
    if (!element) return this.roots();
    switch (element.kind) {
      case 'cluster': {
        const cache = this.cacheFor(element.session);
        const snap = element.session.snapshot;
        if (!cache.children || cache.snapshot !== snap) {
          cache.snapshot = snap;
          cache.jobNodes.clear();
          cache.children = this.clusterChildren(cache, snap);
        }
        return cache.children;
      }
      case 'group':
        return this.entryNodes(this.clusters.get(element.cluster), element.entry.children, element);
      case 'array':
        return this.entryNodes(this.clusters.get(element.cluster), element.entry.children, element);
      default:
        return [];
    }
  }

  getParent(element: JobsTreeNode): JobsTreeNode | undefined {
    switch (element.kind) {
      case 'cluster':
        return undefined;
      case 'array':
      case 'job':
        return element.parent ?? this.clusters.get(element.cluster)?.node;
      default:
        return this.clusters.get(element.cluster)?.node;
    }
  }

  getTreeItem(element: JobsTreeNode): vscode.TreeItem {
    switch (element.kind) {
      case 'cluster':
        return clusterItem(element.session.snapshot, this.filter);
      case 'group': {
        const item = new vscode.TreeItem(element.entry.label, element.entry.group === 'finished' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded);
        item.id = `${element.cluster}/${element.entry.key}`;
        item.description = String(element.entry.count);
        item.contextValue = `group:${element.entry.group}`;
        return item;
      }
      case 'array':
        return arrayItem(element.cluster, element.entry, this.marks(element.cluster, element.entry.arrayJobId));
      case 'job':
        return jobItem(element.cluster, element.job, element.parent, this.marks(element.cluster, element.job.id));
      default: {
        const item = new vscode.TreeItem(element.label, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(element.icon);
        item.command = element.command;
        item.tooltip = element.tooltip;
        item.contextValue = 'message';
        return item;
      }
    }
  }

  private roots(): ClusterNode[] {
    const sessions = this.registry.all();
    for (const name of [...this.clusters.keys()]) {
      if (!this.registry.get(name)) this.clusters.delete(name);
    }
    return sessions.map((s) => this.cacheFor(s).node);
  }

  private cacheFor(session: ClusterSession): ClusterCache {
    let cache = this.clusters.get(session.profileName);
    if (!cache || cache.node.session !== session) {
      cache = { node: new ClusterNode(session), jobNodes: new Map() };
      this.clusters.set(session.profileName, cache);
    }
    return cache;
  }

  private clusterChildren(cache: ClusterCache, snap: ClusterSnapshot): JobsTreeNode[] {
    const name = snap.profileName;
    const out: JobsTreeNode[] = [];
    if (snap.error !== undefined) {
      out.push(new MessageNode(name, `${snap.error} — Retry`, 'error', { title: 'Retry', command: 'slurm.refresh', arguments: [name] }, snap.error));
    }
    // Facts about the cluster (e.g. no accounting), raised once per session: a warning, not an error.
    for (const notice of snap.notices) out.push(new MessageNode(name, notice, 'warning', undefined, notice));
    if (snap.loading) {
      out.push(new MessageNode(name, 'Loading jobs…', 'loading~spin'));
      return out;
    }
    const entries = buildJobTree(snap.jobs, { ...this.options(), filter: this.filter });
    if (entries.length === 0 && snap.error === undefined) {
      const filtered = snap.jobs.length > 0;
      out.push(
        filtered
          ? new MessageNode(name, 'No jobs match the filter — Clear Filter', 'filter', { title: 'Clear Filter', command: 'slurm.clearFilter' })
          : new MessageNode(name, 'No jobs in the queue', 'info', { title: 'Refresh', command: 'slurm.refresh', arguments: [name] }),
      );
    }
    out.push(...this.entryNodes(cache, entries, cache.node));
    return out;
  }

  private entryNodes(cache: ClusterCache | undefined, entries: readonly JobTreeEntry[], parent: JobsTreeNode): JobsTreeNode[] {
    if (!cache) return [];
    const cluster = cache.node.cluster;
    return entries.map((entry) => {
      if (entry.kind === 'group') return new GroupNode(cluster, entry);
      if (entry.kind === 'array') return new ArrayNode(cluster, entry, parent);
      const node = new JobNode(cluster, entry.job, parent);
      cache.jobNodes.set(entry.job.id, node);
      return node;
    });
  }

  /**
   * When a poll changed only fields of existing jobs without moving them between groups or
   * arrays (e.g. elapsed time, reason), update those nodes and refresh only them.
   * Returns undefined when the structure changed.
   */
  private patchInPlace(cache: ClusterCache, snap: ClusterSnapshot): JobsTreeNode[] | undefined {
    const prev = cache.snapshot;
    if (!cache.children || !prev || prev.error !== snap.error || prev.loading !== snap.loading || prev.stale !== snap.stale || prev.notices !== snap.notices || prev.jobs.length !== snap.jobs.length) return undefined;
    const changed: JobsTreeNode[] = [];
    for (const job of snap.jobs) {
      const node = cache.jobNodes.get(job.id);
      // Not shown before (new, or filtered out): the structure may change.
      if (!node) return undefined;
      if (node.job === job) continue;
      if (stateLook(node.job.state).group !== stateLook(job.state).group || node.job.arrayJobId !== job.arrayJobId || node.job.name !== job.name) return undefined;
      if (node.job.state !== job.state || node.job.reason !== job.reason || node.job.elapsed !== job.elapsed || node.job.nodes !== job.nodes || node.job.exitCode !== job.exitCode) changed.push(node);
      node.job = job;
    }
    cache.snapshot = snap;
    return changed;
  }
}

function clusterItem(snap: ClusterSnapshot, filter: JobFilter): vscode.TreeItem {
  const item = new vscode.TreeItem(snap.profileName, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `cluster:${snap.profileName}`;
  const counts = countByGroup(snap.jobs);
  const conn = snap.connection.kind;
  // No counts from a cluster that does not answer: "0 R · 0 PD" would read as "nothing running".
  const unreachable = isUnreachable(snap);
  const parts = unreachable ? ['unreachable'] : [`${counts.running} R · ${counts.pending} PD`];
  if (!unreachable && conn === 'reconnecting') parts.unshift('reconnecting…');
  else if (!unreachable && conn === 'connecting') parts.unshift('connecting…');
  else if (!unreachable && snap.error !== undefined) parts.unshift('error');
  if (snap.stale) parts.push('stale');
  if (filter.text || filter.groups?.length) parts.push('filtered');
  item.description = parts.join(' · ');
  item.iconPath = new vscode.ThemeIcon(
    snap.error !== undefined || conn === 'failed' ? 'debug-disconnect' : conn === 'reconnecting' || conn === 'connecting' ? 'sync~spin' : 'server-environment',
    snap.error !== undefined ? new vscode.ThemeColor('list.errorForeground') : undefined,
  );
  item.contextValue = `cluster:${conn}`;
  const tip = new vscode.MarkdownString();
  tip.appendMarkdown(`**${escapeMd(snap.profileName)}** — ${conn}\n\n`);
  tip.appendMarkdown(`${snap.jobs.length} jobs: ${counts.running} running, ${counts.pending} pending, ${counts.finished} recently finished\n\n`);
  if (snap.lastUpdated) tip.appendMarkdown(`Updated ${new Date(snap.lastUpdated).toLocaleTimeString()}${snap.stale ? ' (stale: the last poll failed)' : ''}\n\n`);
  if (snap.error) tip.appendText(`Last error: ${snap.error}`);
  item.tooltip = tip;
  return item;
}

function arrayItem(cluster: string, entry: Extract<JobTreeEntry, { kind: 'array' }>, marks: ItemMarks): vscode.TreeItem {
  const item = new vscode.TreeItem(`${entry.arrayJobId} ${entry.name}`, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `${cluster}/${entry.key}`;
  const c = entry.counts;
  const parts = [];
  if (c.running) parts.push(`${c.running} R`);
  if (c.pending) parts.push(`${c.pending} PD`);
  if (c.finished) parts.push(`${c.finished} done`);
  item.description = `array · ${parts.join(' · ')}`;
  item.iconPath = new vscode.ThemeIcon('layers', c.running ? new vscode.ThemeColor('charts.blue') : c.pending ? new vscode.ThemeColor('charts.yellow') : undefined);
  item.contextValue = ['array', ...(c.running || c.pending ? ['cancellable'] : []), ...(marks.followed ? ['followed'] : []), ...(marks.watched ? ['watched'] : [])].join(' ');
  item.tooltip = `Array job ${entry.arrayJobId}: ${c.running} running, ${c.pending} pending, ${c.finished} finished`;
  return item;
}

function jobItem(cluster: string, job: JobRow, parent: JobsTreeNode | undefined, marks: ItemMarks): vscode.TreeItem {
  const underArray = parent?.kind === 'array';
  const label = underArray ? `task ${job.id.slice(job.id.indexOf('_') + 1)}` : jobLabel(job);
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
  item.id = `job:${cluster}:${job.id}`;
  const look = stateLook(job.state);
  item.iconPath = new vscode.ThemeIcon(look.icon, look.color ? new vscode.ThemeColor(look.color) : undefined);
  // A finished job's badge: what it used of what it asked for, once sacct told (finishedEfficiency.ts).
  const badge = look.group === 'finished' ? marks.efficiency : undefined;
  item.description = badge && efficiencyBadge(badge) ? `${jobDescription(job)} · ${efficiencyBadge(badge)}` : jobDescription(job);
  item.contextValue = jobContextValue(job, marks);
  item.accessibilityInformation = { label: `Job ${job.id} ${job.name}, ${job.state}` };
  const tip = new vscode.MarkdownString();
  tip.appendMarkdown(`$(${look.icon.replace(/~spin$/, '')}) **${escapeMd(job.name)}** \`${job.id}\`${marks.followed ? ' · log followed' : ''}${marks.watched ? ' · watched' : ''}\n\n`);
  tip.supportThemeIcons = true;
  const time = (ms?: number): string | undefined => (ms ? new Date(ms).toLocaleString() : undefined);
  const rows: [string, string | undefined][] = [
    ['State', job.state],
    ['Reason', job.reason],
    ['Partition', job.partition],
    ['Elapsed / limit', job.elapsed || job.timeLimit ? `${job.elapsed ?? '-'} / ${job.timeLimit ?? '-'}` : undefined],
    ['Nodes', job.nodes],
    ['GPUs', job.gpus ? String(job.gpus) : undefined],
    ['Exit code', job.exitCode],
    ['Dependency', job.dependency],
    ['Submitted', time(job.submitTime)],
    ['Started', time(job.startTime)],
    ['Ended', time(job.endTime)],
    ['Work dir', job.workDir],
    ['Stdout', job.stdoutPath],
    ['Stderr', job.stderrPath !== job.stdoutPath ? job.stderrPath : undefined],
  ];
  for (const [k, v] of rows) if (v) tip.appendMarkdown(`${k}: ${escapeMd(v)}  \n`);
  // Why it waits, in plain words (from the reason alone: no extra call; "Why Pending?" adds the facts).
  if (look.group === 'pending') {
    const why = explainPending(job);
    tip.appendMarkdown(`\n---\n**Why pending:** ${escapeMd(why.summary)}  \n${why.advice.map((a) => `→ ${escapeMd(a.text)}  \n`).join('')}`);
  }
  // How well it used its request, from what is at hand only: the listing's elapsed/limit, and the
  // figures 'Show Efficiency' already read (no sacct per render).
  if (look.group === 'finished') {
    const known = marks.efficiency;
    const time = timeUseNote(job.elapsed, job.timeLimit);
    if (known) {
      tip.appendMarkdown(`\n---\n**Efficiency:** ${escapeMd(efficiencySummary(known))}  \n${known.hints.map((h) => `→ ${escapeMd(h)}  \n`).join('')}`);
    } else if (time) {
      tip.appendMarkdown(`\n---\n**Efficiency:** ${escapeMd(time)}; CPU and memory with 'Show Efficiency'  \n`);
    }
  }
  item.tooltip = tip;
  return item;
}

function countByGroup(jobs: readonly JobRow[]): { running: number; pending: number; finished: number } {
  const counts = { running: 0, pending: 0, finished: 0 };
  for (const j of jobs) counts[stateLook(j.state).group]++;
  return counts;
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>$]/g, '\\$&');
}
