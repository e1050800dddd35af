/**
 * The Resources view: clusters → partitions ("12/16 CPU free · 2/4 GPU free") → nodes with state
 * and reason. Pending "wait for resources" watches and reservations sit under their cluster;
 * loading and error states are tree items (errors with Retry). Tooltips draw bars in markdown.
 * Reads only the monitor's last state: getChildren never does I/O.
 */
import * as vscode from 'vscode';
import { formatMemoryMb, gpuTypesText, nodeCountsText, nodeDescription, partitionDescription, percent, textBar, timeLimitText } from '../resources/format';
import { gpuTypeLabel } from '../resources/gres';
import { partitionNodes, type ClusterResources, type NodeCategory, type NodeResources, type PartitionResources } from '../resources/model';
import type { ClusterResourcesState, ResourcesMonitor } from '../resources/monitor';
import { describeReservation, type Reservation } from '../slurm/reservations';
import { describeCondition } from '../resources/watch';
import type { ResourceWatch, WatchRegistry } from '../resources/watchRegistry';

export type ResourcesTreeNode =
  | { kind: 'cluster'; cluster: string }
  | { kind: 'partition'; cluster: string; partition: string }
  | { kind: 'node'; cluster: string; partition: string; node: string }
  | { kind: 'watch'; cluster: string; watchId: string }
  | { kind: 'reservation'; cluster: string; name: string }
  | { kind: 'message'; cluster: string; label: string; icon: string; command?: vscode.Command; tooltip?: string };

const NODE_ICON: Record<NodeCategory, [string, string | undefined]> = {
  idle: ['circle-large-outline', 'charts.green'],
  mixed: ['circle-large-filled', 'charts.yellow'],
  allocated: ['circle-filled', 'charts.orange'],
  unavailable: ['error', 'errorForeground'],
  other: ['question', undefined],
};

export class ResourcesTreeProvider implements vscode.TreeDataProvider<ResourcesTreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ResourcesTreeNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  // Stable node objects per cluster, so a refresh of one cluster does not collapse the others.
  private readonly clusterNodes = new Map<string, ResourcesTreeNode & { kind: 'cluster' }>();
  private readonly subscriptions: { dispose(): void }[];

  constructor(
    private readonly monitor: ResourcesMonitor,
    private readonly watches: WatchRegistry,
  ) {
    this.subscriptions = [
      monitor.onDidChange((cluster) => this.emitter.fire(cluster === undefined ? undefined : this.clusterNodes.get(cluster))),
      watches.onDidChange(() => this.emitter.fire(undefined)),
    ];
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
  }

  getChildren(element?: ResourcesTreeNode): ResourcesTreeNode[] {
    if (!element) {
      const names = this.monitor.clusters();
      for (const name of [...this.clusterNodes.keys()]) if (!names.includes(name)) this.clusterNodes.delete(name);
      return names.map((cluster) => {
        let node = this.clusterNodes.get(cluster);
        if (!node) {
          node = { kind: 'cluster', cluster };
          this.clusterNodes.set(cluster, node);
        }
        return node;
      });
    }
    const state = this.monitor.state(element.cluster);
    if (element.kind === 'cluster') return state ? this.clusterChildren(state) : [];
    if (element.kind === 'partition' && state?.resources) {
      const p = state.resources.partitions.find((x) => x.name === element.partition);
      return p ? partitionNodes(state.resources, p).map((n) => ({ kind: 'node', cluster: element.cluster, partition: p.name, node: n.name })) : [];
    }
    return [];
  }

  getParent(element: ResourcesTreeNode): ResourcesTreeNode | undefined {
    if (element.kind === 'cluster') return undefined;
    if (element.kind === 'node') return { kind: 'partition', cluster: element.cluster, partition: element.partition };
    return this.clusterNodes.get(element.cluster);
  }

  getTreeItem(element: ResourcesTreeNode): vscode.TreeItem {
    const state = this.monitor.state(element.cluster);
    const resources = state?.resources;
    switch (element.kind) {
      case 'cluster':
        return clusterItem(element.cluster, state, this.watches.forCluster(element.cluster).length);
      case 'partition': {
        const p = resources?.partitions.find((x) => x.name === element.partition);
        return p && resources ? partitionItem(resources, p) : new vscode.TreeItem(element.partition);
      }
      case 'node': {
        const n = resources?.nodes.find((x) => x.name === element.node);
        return n ? nodeItem(element.cluster, element.partition, n) : new vscode.TreeItem(element.node);
      }
      case 'watch': {
        const w = this.watches.get(element.watchId);
        return w ? watchItem(w) : new vscode.TreeItem('(finished)');
      }
      case 'reservation': {
        const r = resources?.reservations.find((x) => x.name === element.name);
        return r ? reservationItem(element.cluster, r) : new vscode.TreeItem(element.name);
      }
      case 'message': {
        const item = new vscode.TreeItem(element.label, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(element.icon);
        item.command = element.command;
        item.tooltip = element.tooltip;
        item.contextValue = 'resourceMessage';
        return item;
      }
    }
  }

  private clusterChildren(state: ClusterResourcesState): ResourcesTreeNode[] {
    const cluster = state.cluster;
    const out: ResourcesTreeNode[] = [];
    for (const w of this.watches.forCluster(cluster)) out.push({ kind: 'watch', cluster, watchId: w.id });
    if (state.error !== undefined) {
      out.push({ kind: 'message', cluster, label: `${state.error} — Retry`, icon: 'error', command: { title: 'Retry', command: 'slurm.resources.refresh', arguments: [cluster] }, tooltip: state.error });
    }
    if (state.loading) {
      out.push({ kind: 'message', cluster, label: 'Reading partitions and nodes…', icon: 'loading~spin' });
      return out;
    }
    const r = state.resources;
    if (!r) return out;
    // Reservations that have not ended, soonest first (maintenance windows are what users care about).
    const upcoming = r.reservations.filter((x) => x.end.getTime() > r.at).sort((a, b) => a.start.getTime() - b.start.getTime());
    for (const res of upcoming) out.push({ kind: 'reservation', cluster, name: res.name });
    if (r.partitions.length === 0) out.push({ kind: 'message', cluster, label: 'No partitions visible to you', icon: 'info' });
    for (const p of r.partitions) out.push({ kind: 'partition', cluster, partition: p.name });
    return out;
  }
}

function clusterItem(cluster: string, state: ClusterResourcesState | undefined, watchCount: number): vscode.TreeItem {
  const item = new vscode.TreeItem(cluster, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `resources:${cluster}`;
  item.contextValue = 'resourceCluster';
  const r = state?.resources;
  const parts: string[] = [];
  if (r) {
    const cpus = r.nodes.reduce((a, n) => ({ free: a.free + n.cpus.free, total: a.total + n.cpus.total }), { free: 0, total: 0 });
    const gpus = r.nodes.reduce((a, n) => ({ free: a.free + n.gpus.free, total: a.total + n.gpus.total }), { free: 0, total: 0 });
    parts.push(`${cpus.free}/${cpus.total} CPU free`);
    if (gpus.total > 0) parts.push(`${gpus.free}/${gpus.total} GPU free`);
  } else if (state?.loading) parts.push('loading…');
  if (state?.error !== undefined) parts.unshift('error');
  if (state?.stale) parts.push('stale');
  if (watchCount > 0) parts.push(`${watchCount} waiting`);
  item.description = parts.join(' · ');
  item.iconPath = new vscode.ThemeIcon(state?.error !== undefined ? 'debug-disconnect' : 'server-environment');
  const tip = new vscode.MarkdownString();
  tip.appendMarkdown(`**${cluster}**\n\n`);
  if (r) tip.appendMarkdown(`${r.partitions.length} partitions, ${r.nodes.length} nodes — read ${new Date(r.at).toLocaleTimeString()}\n\n`);
  if (r?.reservationsError) tip.appendText(`Reservations unavailable: ${r.reservationsError}\n\n`);
  if (state?.error) tip.appendText(`Last error: ${state.error}`);
  item.tooltip = tip;
  return item;
}

function barLine(label: string, free: number, total: number, extra = ''): string {
  const used = total - free;
  return `\`${label.padEnd(5)} ${textBar(used, total)}\` ${free}/${total} free (${percent(used, total)}% busy)${extra}  \n`;
}

/** Small clusters open with their nodes showing; big ones would drown the partitions. */
const EXPAND_UP_TO_NODES = 16;

function partitionItem(r: ClusterResources, p: PartitionResources): vscode.TreeItem {
  const expand = r.nodes.length <= EXPAND_UP_TO_NODES;
  const item = new vscode.TreeItem(p.name, expand ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `resources:${r.cluster}:${p.name}`;
  item.description = partitionDescription(p);
  item.accessibilityInformation = { label: `Partition ${p.name}: ${item.description}` };
  item.contextValue = 'resourcePartition';
  const busy = p.cpus.free === 0 && (p.gpus.total === 0 || p.gpus.free === 0);
  item.iconPath = !p.acceptsJobs
    ? new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('errorForeground'))
    : new vscode.ThemeIcon(busy ? 'layers-active' : 'layers', new vscode.ThemeColor(busy ? 'charts.orange' : 'charts.green'));
  const tip = new vscode.MarkdownString();
  tip.appendMarkdown(`**${p.name}**${p.isDefault ? ' (default)' : ''} — ${p.available}, time limit ${timeLimitText(p)}\n\n`);
  tip.appendMarkdown(barLine('CPU', p.cpus.free, p.cpus.total));
  if (p.gpus.total > 0) {
    const types = p.gpus.byType.length > 1 || p.gpus.byType[0]?.type ? ` — ${gpuTypesText(p.gpus.byType)}` : '';
    tip.appendMarkdown(barLine('GPU', p.gpus.free, p.gpus.total, types));
  }
  const usableNodes = p.nodeCounts.idle + p.nodeCounts.mixed;
  tip.appendMarkdown(barLine('Nodes', p.nodeCounts.idle, p.nodeCounts.total, ` idle; ${usableNodes} take jobs`));
  tip.appendMarkdown(barLine('Mem', Math.round(p.memoryMb.free), Math.round(p.memoryMb.total), ` MiB (${formatMemoryMb(p.memoryMb.free)} free)`));
  tip.appendMarkdown(`\nNodes: ${nodeCountsText(p)}\n\n`);
  const down = partitionNodes(r, p).filter((n) => n.category === 'unavailable');
  for (const n of down) tip.appendMarkdown(`- \`${n.name}\` ${escapeMd(n.state)}${n.reason ? ` — ${escapeMd(n.reason)}` : ''}\n`);
  item.tooltip = tip;
  return item;
}

function nodeItem(cluster: string, partition: string, n: NodeResources): vscode.TreeItem {
  const item = new vscode.TreeItem(n.name, vscode.TreeItemCollapsibleState.None);
  item.id = `resources:${cluster}:${partition}:${n.name}`;
  item.description = nodeDescription(n);
  item.accessibilityInformation = { label: `Node ${n.name}: ${item.description}` };
  item.contextValue = `resourceNode:${n.category}`;
  const [icon, color] = NODE_ICON[n.category];
  item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
  const tip = new vscode.MarkdownString();
  tip.appendMarkdown(`**${n.name}** — ${escapeMd(n.state)}${n.notResponding ? ' (not responding)' : ''}\n\n`);
  if (n.reason) tip.appendMarkdown(`Reason: ${escapeMd(n.reason)}\n\n`);
  tip.appendMarkdown(barLine('CPU', n.cpus.free, n.cpus.total));
  if (n.gpus.total > 0) tip.appendMarkdown(barLine('GPU', n.gpus.free, n.gpus.total, n.gpus.byType.some((t) => t.type) ? ` — ${n.gpus.byType.map((t) => `${t.free}/${t.total} ${gpuTypeLabel(t.type)}`).join(', ')}` : ''));
  tip.appendMarkdown(barLine('Mem', Math.round(n.memoryMb.free), Math.round(n.memoryMb.total), ' MiB'));
  const rows: [string, string | undefined][] = [
    ['Partitions', n.partitions.join(', ')],
    ['CPU load', n.cpuLoad === undefined ? undefined : n.cpuLoad.toFixed(2)],
    ['GRES', n.gres],
    ['Features', n.features],
  ];
  tip.appendMarkdown('\n');
  for (const [k, v] of rows) if (v) tip.appendMarkdown(`${k}: ${escapeMd(v)}  \n`);
  item.tooltip = tip;
  return item;
}

function watchItem(w: ResourceWatch): vscode.TreeItem {
  const item = new vscode.TreeItem(`Waiting for ${describeCondition(w.condition)}`, vscode.TreeItemCollapsibleState.None);
  item.id = `resources:${w.condition.cluster}:${w.id}`;
  item.description = w.last ? `${w.last.free} free now` : 'checking…';
  item.accessibilityInformation = { label: `${String(item.label)}, ${item.description}` };
  item.iconPath = new vscode.ThemeIcon('bell', new vscode.ThemeColor('charts.blue'));
  item.contextValue = 'resourceWatch';
  const tip = new vscode.MarkdownString();
  tip.appendMarkdown(`**Waiting for ${escapeMd(describeCondition(w.condition))}** on ${escapeMd(w.condition.cluster)}\n\n`);
  tip.appendMarkdown(`Since ${new Date(w.createdAt).toLocaleTimeString()}${w.webhook ? ' · webhook on' : ''}\n\n`);
  if (w.last) tip.appendMarkdown(`Now: ${escapeMd(w.last.detail)}\n\n`);
  tip.appendMarkdown('Cancel with the × button.');
  item.tooltip = tip;
  return item;
}

function reservationItem(cluster: string, r: Reservation): vscode.TreeItem {
  const item = new vscode.TreeItem(r.maintenance ? `Maintenance: ${r.name}` : `Reservation: ${r.name}`, vscode.TreeItemCollapsibleState.None);
  item.id = `resources:${cluster}:reservation:${r.name}`;
  item.description = `${r.nodeList || r.partition || ''} · ${r.start.toLocaleString()} → ${r.end.toLocaleString()}`;
  item.iconPath = new vscode.ThemeIcon(r.maintenance ? 'warning' : 'calendar', r.maintenance ? new vscode.ThemeColor('editorWarning.foreground') : undefined);
  item.contextValue = 'resourceReservation';
  const tip = new vscode.MarkdownString();
  tip.appendMarkdown(`${escapeMd(describeReservation(r, (d) => d.toLocaleString()))}\n\n`);
  tip.appendMarkdown(`Flags: ${escapeMd(r.flags.join(', ') || 'none')} · ${escapeMd(r.state)}${r.users ? ` · users ${escapeMd(r.users)}` : ''}\n\n`);
  if (r.maintenance) tip.appendMarkdown('Jobs whose time limit reaches into this window will not start on these nodes before it.');
  item.tooltip = tip;
  return item;
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
