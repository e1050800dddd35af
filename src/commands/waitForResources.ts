import * as vscode from 'vscode';
import { formatMemoryMb, gpuTypesText, partitionDescription } from '../resources/format';
import { gpuTypeLabel } from '../resources/gres';
import type { ResourcesMonitor } from '../resources/monitor';
import { ResourceConditionSchema, describeCondition, evaluateCondition, type ResourceCondition } from '../resources/watch';
import type { WatchRegistry } from '../resources/watchRegistry';
import { WebhookUrlSchema, webhookHost } from '../core/webhook';

/** Secret-storage key of the webhook URL (it may carry a token, so it is never a setting). */
export const WEBHOOK_SECRET_KEY = 'slurm.resources.webhookUrl';

/**
 * slurm.resources.waitFor: "notify me when N GPUs (or CPUs) are free in partition P".
 * From a partition in the Resources view (cluster and partition known), the palette (asks), or
 * with a complete condition object (scripts and tests; validated, no prompts).
 * Resolves with the new watch's id, or undefined when the user stopped or nothing was needed.
 */
export function waitForResourcesCommand(monitor: ResourcesMonitor, watches: WatchRegistry, secrets: vscode.SecretStorage) {
  return async (arg?: unknown): Promise<string | undefined> => {
    const direct = ResourceConditionSchema.safeParse(arg);
    if (direct.success) return watches.add(direct.data).id;

    const fromTree = typeof arg === 'object' && arg !== null ? (arg as { cluster?: unknown; partition?: unknown }) : {};
    const cluster = typeof fromTree.cluster === 'string' ? fromTree.cluster : await pickCluster(monitor);
    if (!cluster) return undefined;
    if (!monitor.state(cluster)?.resources) {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Reading partitions of ${cluster}…` }, () => monitor.refresh(cluster));
    }
    const resources = monitor.state(cluster)?.resources;
    if (!resources) {
      const why = monitor.state(cluster)?.error ?? 'no answer';
      void vscode.window.showErrorMessage(`Could not read the partitions of ${cluster}: ${why}`, 'Retry').then((a) => {
        if (a) void vscode.commands.executeCommand('slurm.resources.waitFor', arg);
      });
      return undefined;
    }

    let partitionName = typeof fromTree.partition === 'string' ? fromTree.partition : undefined;
    if (!partitionName) {
      const pick = await vscode.window.showQuickPick(
        resources.partitions.map((p) => ({ label: p.name, description: `${p.isDefault ? 'default · ' : ''}${partitionDescription(p)}`, name: p.name })),
        { title: `Wait for resources on ${cluster} (1/3)`, placeHolder: 'Which partition?' },
      );
      partitionName = pick?.name;
    }
    const partition = resources.partitions.find((p) => p.name === partitionName);
    if (!partition) return undefined;

    type Kind = { label: string; description: string; resource: 'gpu' | 'cpu'; gpuType?: string };
    const kinds: Kind[] = [];
    if (partition.gpus.total > 0) {
      kinds.push({ label: 'GPUs', description: `${gpuTypesText(partition.gpus.byType)} free now`, resource: 'gpu' });
      if (partition.gpus.byType.length > 1) {
        for (const t of partition.gpus.byType) kinds.push({ label: `${gpuTypeLabel(t.type)} GPUs`, description: `${t.free}/${t.total} free now`, resource: 'gpu', gpuType: gpuTypeLabel(t.type) });
      }
    }
    kinds.push({ label: 'CPUs', description: `${partition.cpus.free}/${partition.cpus.total} free now · ${formatMemoryMb(partition.memoryMb.free)} memory free`, resource: 'cpu' });
    const kind = kinds.length === 1 ? kinds[0] : await vscode.window.showQuickPick(kinds, { title: `Wait for resources in ${partition.name} (2/3)`, placeHolder: 'Wait for what?' });
    if (!kind) return undefined;

    const total = kind.resource === 'cpu' ? partition.cpus.total : kind.gpuType ? partition.gpus.byType.filter((t) => gpuTypeLabel(t.type) === kind.gpuType).reduce((s, t) => s + t.total, 0) : partition.gpus.total;
    const unit = kind.resource === 'cpu' ? 'CPUs' : 'GPUs';
    const countText = await vscode.window.showInputBox({
      title: `Wait for resources in ${partition.name} (3/3)`,
      prompt: `How many ${unit} must be free? (${partition.name} has ${total})`,
      value: '1',
      validateInput: (v) => {
        if (!/^\d+$/.test(v.trim()) || Number(v) < 1) return 'A whole number, 1 or more.';
        if (Number(v) > total) return `${partition.name} has only ${total} ${unit}: this would never happen.`;
        return undefined;
      },
    });
    if (countText === undefined) return undefined;
    const count = Number(countText.trim());

    let onOneNode = false;
    if (count > 1) {
      const scope = await vscode.window.showQuickPick(
        [
          { label: 'Anywhere in the partition', description: `for multi-node jobs`, one: false },
          { label: 'All on one node', description: `largest free now: ${kind.resource === 'cpu' ? partition.largestFreeNode.cpus : partition.largestFreeNode.gpus}`, one: true },
        ],
        { title: `${count} ${unit} in ${partition.name}`, placeHolder: 'Where?' },
      );
      if (!scope) return undefined;
      onOneNode = scope.one;
    }

    const condition: ResourceCondition = { cluster, partition: partition.name, resource: kind.resource, count, onOneNode, ...(kind.gpuType ? { gpuType: kind.gpuType } : {}) };
    const webhook = await askWebhook(secrets);
    if (webhook === undefined) return undefined;

    const now = evaluateCondition(resources, condition);
    if (now.holds) {
      const choice = await vscode.window.showInformationMessage(`Already free: ${now.detail}.`, 'Wait Anyway');
      // The figures may be a poll old: "Wait Anyway" lets the next reading decide.
      if (choice !== 'Wait Anyway') return undefined;
    }
    const watch = watches.add(condition, { webhook: webhook === 'yes' });
    void vscode.window.showInformationMessage(`Waiting for ${describeCondition(condition)} on ${cluster}. You will be notified${webhook === 'yes' ? ' (and the webhook called)' : ''}; cancel it from the Resources view.`);
    return watch.id;
  };
}

async function pickCluster(monitor: ResourcesMonitor): Promise<string | undefined> {
  const names = monitor.clusters();
  if (names.length === 0) {
    void vscode.window.showWarningMessage('No Slurm cluster is configured.', 'Add Cluster Profile').then((a) => {
      if (a) void vscode.commands.executeCommand('slurm.addProfile');
    });
    return undefined;
  }
  if (names.length === 1) return names[0];
  return vscode.window.showQuickPick(names, { title: 'Wait for resources', placeHolder: 'On which cluster?' });
}

/** 'yes' / 'no', or undefined when the user pressed Escape. */
async function askWebhook(secrets: vscode.SecretStorage): Promise<'yes' | 'no' | undefined> {
  const saved = await secrets.get(WEBHOOK_SECRET_KEY);
  const items = [
    { label: 'Notify me in VS Code', description: 'no webhook', choice: 'no' as const },
    ...(saved ? [{ label: `Also call the saved webhook`, description: webhookHost(saved), choice: 'saved' as const }] : []),
    { label: saved ? 'Also call another webhook…' : 'Also call a webhook…', description: 'JSON POST, e.g. to a chat channel', choice: 'new' as const },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'When it holds', placeHolder: 'How should you be told?' });
  if (!pick) return undefined;
  if (pick.choice === 'no') return 'no';
  if (pick.choice === 'saved') return 'yes';
  const url = await vscode.window.showInputBox({
    title: 'Webhook URL',
    prompt: 'Receives a JSON POST when the resources are free. Kept in VS Code\'s secret storage, not in settings.',
    placeHolder: 'https://hooks.example.org/…',
    password: true,
    validateInput: (v) => (WebhookUrlSchema.safeParse(v).success ? undefined : 'An http:// or https:// URL.'),
  });
  if (url === undefined) return undefined;
  await secrets.store(WEBHOOK_SECRET_KEY, url.trim());
  return 'yes';
}
