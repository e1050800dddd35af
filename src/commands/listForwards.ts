/**
 * slurm.listForwards — "Forwarded Ports": every open forward in a quick pick; picking one opens it
 * in the browser, its close button (or "Close All") ends it.
 */
import * as vscode from 'vscode';
import type { ForwardInfo } from '../forward/forwardRegistry';
import type { PortForwards } from '../vscode/portForwardFeature';

type Item = vscode.QuickPickItem & { forward?: ForwardInfo; closeAll?: true };

const closeButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('close'), tooltip: 'Close this forward' };

function items(forwards: PortForwards): Item[] {
  const list = forwards.registry.list();
  const rows: Item[] = list.map((f) => ({
    label: `$(plug) localhost:${f.localPort}`,
    description: `→ ${f.node}:${f.remotePort} · job ${f.jobId} · ${f.profileName}`,
    detail: f.connections > 0 ? `${f.connections} connection(s) open` : undefined,
    buttons: [closeButton],
    forward: f,
  }));
  if (list.length > 1) rows.push({ label: '$(close-all) Close All Forwards', closeAll: true });
  return rows;
}

export function listForwardsCommand(forwards: PortForwards) {
  return async (): Promise<void> => {
    if (forwards.registry.list().length === 0) {
      void vscode.window.showInformationMessage('No port is forwarded. Use "Forward Port from Job…" on a running job, or click a link its log prints.');
      return;
    }
    const pick = vscode.window.createQuickPick<Item>();
    pick.title = 'Forwarded Ports';
    pick.placeholder = 'Pick one to open it in the browser';
    pick.matchOnDescription = true;
    pick.items = items(forwards);
    const sub = forwards.registry.onDidChange(() => {
      pick.items = items(forwards);
      if (pick.items.length === 0) pick.hide();
    });
    pick.onDidTriggerItemButton(({ item }) => item.forward && forwards.registry.close(item.forward.id));
    pick.onDidAccept(() => {
      const chosen = pick.selectedItems[0];
      if (chosen?.closeAll) forwards.registry.list().forEach((f) => forwards.registry.close(f.id));
      else if (chosen?.forward) void forwards.openInBrowser(chosen.forward);
      pick.hide();
    });
    pick.onDidHide(() => {
      sub.dispose();
      pick.dispose();
    });
    pick.show();
  };
}
