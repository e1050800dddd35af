/**
 * The Resources feature, built by extension.ts: the `slurm.resources` view, the utilisation panel,
 * the wait-for-resources watches (notification + optional webhook); their commands are in
 * commands/index.ts. One resources poller per cluster, on the transport its session owns.
 */
import * as vscode from 'vscode';
import { errorMessage } from '../core/errors';
import { logger } from '../core/logger';
import { jobsTookOrFreedResources } from '../resources/jobEffect';
import { loadClusterResources } from '../resources/loader';
import { ResourcesMonitor } from '../resources/monitor';
import { resourcesTiming } from '../resources/settings';
import { sectionOf } from '../config/settings';
import { describeCondition } from '../resources/watch';
import { WatchRegistry, type WatchFired } from '../resources/watchRegistry';
import { postWebhook } from '../core/webhook';
import type { Services } from '../vscode/services';
import { UtilisationPanel } from '../vscode/utilisationPanel';
import { ResourcesTreeProvider } from '../views/resourcesTree';
import { WEBHOOK_SECRET_KEY } from './waitForResources';

/** What the resources commands (commands/index.ts) act on. */
export interface ResourcesFeature {
  monitor: ResourcesMonitor;
  watches: WatchRegistry;
  panel: UtilisationPanel;
}

export function registerResources(services: Services): ResourcesFeature {
  const { context, registry } = services;
  const readSettings = () => sectionOf(services.settings(), 'resources');

  const watches = new WatchRegistry();
  const monitor = new ResourcesMonitor(
    registry,
    (cluster, transport, signal) => loadClusterResources(cluster, transport, { signal, timeoutMs: services.commandTimeoutMs() }),
    () => resourcesTiming(readSettings()),
    watches,
  );
  const tree = new ResourcesTreeProvider(monitor, watches);
  const view = services.entry.treeView('slurm.resources', tree);
  // The view and the panel each count as "someone looking"; either keeps the pollers going.
  let panelVisible = false;
  const updateVisible = () => monitor.setViewVisible(view.visible || panelVisible);
  const panel = new UtilisationPanel(context.extensionUri, monitor, (visible) => {
    panelVisible = visible;
    updateVisible();
  });
  context.subscriptions.push(watches, monitor, tree, view, panel);

  const updateWatchContext = () => {
    const count = watches.all().length;
    void vscode.commands.executeCommand('setContext', 'slurm.resources.watchCount', count);
    view.badge = count > 0 ? { value: count, tooltip: `${count} resource watch${count === 1 ? '' : 'es'} pending` } : undefined;
  };
  updateVisible();
  monitor.setFocused(vscode.window.state.focused);
  context.subscriptions.push(
    view.onDidChangeVisibility(() => updateVisible()),
    vscode.window.onDidChangeWindowState((s) => monitor.setFocused(s.focused)),
    services.configuration.onDidChange((e) => {
      if (e.affects('resources')) monitor.setTiming(resourcesTiming(readSettings()));
    }),
    watches.onDidChange(updateWatchContext),
    watches.onDidFire((fired) => void announce(fired, context.secrets, panel)),
    // A job of the user's started or ended: the free CPUs/GPUs changed now, not at the next cycle.
    registry.onDidJobEvents(({ cluster, events }) => {
      if (jobsTookOrFreedResources(events)) monitor.refreshIfActive(cluster);
    }),
  );
  return { monitor, watches, panel };
}

async function announce({ watch, result, resources }: WatchFired, secrets: vscode.SecretStorage, panel: UtilisationPanel): Promise<void> {
  const c = watch.condition;
  const message = `${describeCondition(c)} on ${c.cluster}: ${result.detail}.`;
  logger.info(`[${c.cluster}] resource watch fired: ${result.detail}`);
  if (watch.webhook) {
    try {
      const url = await secrets.get(WEBHOOK_SECRET_KEY);
      if (!url) throw new Error('no webhook URL is saved any more');
      await postWebhook(url, {
        event: 'slurm.resources.available',
        cluster: c.cluster,
        partition: c.partition,
        resource: c.resource,
        requested: c.count,
        free: result.free,
        ...(c.gpuType ? { gpuType: c.gpuType } : {}),
        message,
        at: new Date(resources.at).toISOString(),
      });
    } catch (e) {
      logger.warn(`[${c.cluster}] resource watch webhook failed: ${errorMessage(e)}`);
      void vscode.window.showWarningMessage(`The resource watch held, but its webhook failed: ${errorMessage(e)}`);
    }
  }
  const action = await vscode.window.showInformationMessage(`Resources free — ${message}`, 'Show Utilisation');
  if (action) void panel.show(c.cluster);
}
