/**
 * The Jobs view: clusters at the top (with connection state), their jobs below. Error, loading and
 * empty states are tree items with an action. Only the cluster whose session changed is refreshed.
 */
import * as vscode from 'vscode';
import type { ClusterSession, ClusterSnapshot } from '../session/clusterSession';
import type { JobRow } from '../session/jobRow';
import { jobContextValue, jobDescription, stateLook } from '../session/jobPresentation';
import type { SessionRegistry } from '../session/sessionRegistry';

export type JobsTreeNode = ClusterNode | JobNode | MessageNode;

export class ClusterNode {
  readonly kind = 'cluster';
  constructor(readonly session: ClusterSession) {}
}

export class JobNode {
  readonly kind = 'job';
  constructor(readonly cluster: string, readonly job: JobRow) {}
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

export class JobsTreeProvider implements vscode.TreeDataProvider<JobsTreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<JobsTreeNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly clusterNodes = new Map<string, ClusterNode>();
  private readonly subscription: { dispose(): void };

  constructor(private readonly registry: SessionRegistry) {
    this.subscription = registry.onDidChange((change) => {
      const node = change ? this.clusterNodes.get(change.snapshot.profileName) : undefined;
      // Refresh just that cluster's subtree; a change in the set of clusters refreshes the root.
      this.emitter.fire(node);
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }

  getChildren(element?: JobsTreeNode): JobsTreeNode[] {
    if (!element) {
      const nodes = this.registry.all().map((s) => {
        let node = this.clusterNodes.get(s.profileName);
        if (!node || node.session !== s) {
          node = new ClusterNode(s);
          this.clusterNodes.set(s.profileName, node);
        }
        return node;
      });
      for (const name of [...this.clusterNodes.keys()]) {
        if (!this.registry.get(name)) this.clusterNodes.delete(name);
      }
      return nodes;
    }
    if (element instanceof ClusterNode) return this.clusterChildren(element.session.snapshot);
    return [];
  }

  getParent(element: JobsTreeNode): JobsTreeNode | undefined {
    if (element instanceof ClusterNode) return undefined;
    return this.clusterNodes.get(element.cluster);
  }

  getTreeItem(element: JobsTreeNode): vscode.TreeItem {
    if (element instanceof ClusterNode) return clusterItem(element.session.snapshot);
    if (element instanceof JobNode) return jobItem(element.cluster, element.job);
    const item = new vscode.TreeItem(element.label, vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon(element.icon);
    item.command = element.command;
    item.tooltip = element.tooltip;
    item.contextValue = 'message';
    return item;
  }

  private clusterChildren(snap: ClusterSnapshot): JobsTreeNode[] {
    const name = snap.profileName;
    const out: JobsTreeNode[] = [];
    if (snap.error !== undefined) {
      out.push(new MessageNode(name, `Failed: ${snap.error} — Retry`, 'error', { title: 'Retry', command: 'slurm.refresh', arguments: [name] }, snap.error));
    }
    if (snap.loading) {
      out.push(new MessageNode(name, 'Loading jobs…', 'loading~spin'));
      return out;
    }
    if (snap.jobs.length === 0 && snap.error === undefined) {
      out.push(new MessageNode(name, 'No jobs in the queue', 'info', { title: 'Refresh', command: 'slurm.refresh', arguments: [name] }));
    }
    for (const job of snap.jobs) out.push(new JobNode(name, job));
    return out;
  }
}

function clusterItem(snap: ClusterSnapshot): vscode.TreeItem {
  const item = new vscode.TreeItem(snap.profileName, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `cluster:${snap.profileName}`;
  const counts = countByGroup(snap.jobs);
  const conn = snap.connection.kind;
  const parts = [`${counts.running} R · ${counts.pending} PD`];
  if (conn === 'reconnecting') parts.unshift('reconnecting…');
  else if (conn === 'connecting') parts.unshift('connecting…');
  else if (conn === 'failed' || snap.error !== undefined) parts.unshift('error');
  if (snap.stale) parts.push('stale');
  item.description = parts.join(' · ');
  item.iconPath = new vscode.ThemeIcon(
    snap.error !== undefined || conn === 'failed' ? 'debug-disconnect' : conn === 'reconnecting' || conn === 'connecting' ? 'sync~spin' : 'server-environment',
  );
  item.contextValue = `cluster:${conn}`;
  const tip = new vscode.MarkdownString();
  tip.appendMarkdown(`**${snap.profileName}** — ${conn}\n\n`);
  tip.appendMarkdown(`${snap.jobs.length} jobs: ${counts.running} running, ${counts.pending} pending\n\n`);
  if (snap.lastUpdated) tip.appendMarkdown(`Updated ${new Date(snap.lastUpdated).toLocaleTimeString()}\n\n`);
  if (snap.error) tip.appendText(`Last error: ${snap.error}`);
  item.tooltip = tip;
  return item;
}

function jobItem(cluster: string, job: JobRow): vscode.TreeItem {
  const item = new vscode.TreeItem(`${job.id} ${job.name}`, vscode.TreeItemCollapsibleState.None);
  item.id = `job:${cluster}:${job.id}`;
  const look = stateLook(job.state);
  item.iconPath = new vscode.ThemeIcon(look.icon, look.color ? new vscode.ThemeColor(look.color) : undefined);
  item.description = jobDescription(job);
  item.contextValue = jobContextValue(job);
  const tip = new vscode.MarkdownString();
  tip.appendMarkdown(`**${escapeMd(job.name)}** \`${job.id}\`\n\n`);
  const rows: [string, string | undefined][] = [
    ['State', job.state],
    ['Reason', job.reason],
    ['Partition', job.partition],
    ['Elapsed / limit', job.elapsed || job.timeLimit ? `${job.elapsed ?? '-'} / ${job.timeLimit ?? '-'}` : undefined],
    ['Nodes', job.nodes],
    ['Exit code', job.exitCode],
    ['Work dir', job.workDir],
    ['Stdout', job.stdoutPath],
  ];
  for (const [k, v] of rows) if (v) tip.appendMarkdown(`${k}: ${escapeMd(v)}  \n`);
  item.tooltip = tip;
  return item;
}

function countByGroup(jobs: readonly JobRow[]): { running: number; pending: number } {
  let running = 0;
  let pending = 0;
  for (const j of jobs) {
    const g = stateLook(j.state).group;
    if (g === 'running') running++;
    else if (g === 'pending') pending++;
  }
  return { running, pending };
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
