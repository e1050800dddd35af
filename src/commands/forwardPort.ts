/**
 * slurm.forwardPort — "Forward Port from Job…": on a running job (its item, or picked from the
 * palette), asks the node (multi-node jobs) and the port its server listens on, forwards it to a
 * local port (the same number when free) and offers to open it in the browser. `preset` skips the
 * questions (scripted use and tests); returns the forward.
 */
import * as vscode from 'vscode';
import type { ForwardInfo } from '../forward/forwardRegistry';
import { expandHostlist } from '../slurm/hostlist';
import { showActionError } from '../vscode/errors';
import type { PortForwards } from '../vscode/portForwardFeature';
import type { Services } from '../vscode/services';
import { resolveJobTargets } from './jobTargets';

export interface ForwardPreset {
  node?: string;
  port?: number;
  /** false: do not offer to open the page (tests). */
  offerOpen?: boolean;
}

export function parsePort(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d{1,5}$/.test(t)) return undefined;
  const n = Number(t);
  return n >= 1 && n <= 65535 ? n : undefined;
}

export function forwardPortCommand(services: Services, forwards: PortForwards) {
  return async (clicked?: unknown, _selected?: unknown, preset: ForwardPreset = {}): Promise<ForwardInfo | undefined> => {
    const [target] = await resolveJobTargets(services.registry, clicked, undefined, { title: 'Forward Port from Job', accept: (j) => j.state === 'RUNNING' });
    if (!target) return undefined;
    const { session } = target;
    const id = target.ids[0];
    const row = target.rows[0] ?? session.snapshot.jobs.find((j) => j.id === id || j.actionId === id);
    if (!row || row.state !== 'RUNNING') {
      void vscode.window.showWarningMessage(`Job ${id} is ${row ? row.state : 'not in the job list'}: only a running job has a server to forward to.`);
      return undefined;
    }
    const nodes = expandHostlist(row.nodes ?? '');
    const node = preset.node ?? (nodes.length === 1 ? nodes[0] : await vscode.window.showQuickPick(nodes, { title: `Forward Port from Job ${row.id}: which node?`, placeHolder: 'The node the server runs on' }));
    if (!node) return undefined;
    let port = preset.port;
    if (port === undefined) {
      const answer = await vscode.window.showInputBox({
        title: `Forward Port from Job ${row.id} (${node})`,
        prompt: 'The port the server in the job listens on (Jupyter 8888, TensorBoard 6006, Ray dashboard 8265)',
        placeHolder: '8888',
        validateInput: (v) => (parsePort(v) === undefined ? 'A port number from 1 to 65535' : undefined),
      });
      port = answer === undefined ? undefined : parsePort(answer);
    }
    if (port === undefined) return undefined;
    const remotePort = port;
    let forward: ForwardInfo;
    try {
      forward = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Forwarding ${node}:${remotePort} of job ${row.id}…`, cancellable: true }, (_p, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return forwards.registry.open({ profileName: session.profileName, jobId: row.id, node, remotePort, localPort: remotePort, anyPortIfTaken: true, signal: abort.signal, timeoutMs: forwards.timeoutMs() });
      });
    } catch (err) {
      showActionError(`Forwarding port ${remotePort} of job ${row.id}`, err);
      return undefined;
    }
    if (preset.offerOpen !== false) {
      void vscode.window.showInformationMessage(`Job ${row.id}: ${node}:${remotePort} is forwarded to local port ${forward.localPort}.`, 'Open in Browser', 'Copy Address').then(async (choice) => {
        if (choice === 'Open in Browser') await forwards.openInBrowser(forward);
        if (choice === 'Copy Address') await vscode.env.clipboard.writeText((await forwards.externalUri(forward)).toString(true));
      });
    }
    return forward;
  };
}
