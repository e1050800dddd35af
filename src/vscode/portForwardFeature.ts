/**
 * The forwarded-ports feature: one ForwardRegistry (src/forward) for the window, the
 * links in log documents and followed log channels, and a message when a forward closes on its own
 * (job ended, connection lost). Forwarded pages open through `asExternalUri`, so they also work in
 * code-server and remote windows, where 127.0.0.1 is the server's, not the browser's.
 */
import * as vscode from 'vscode';
import { ForwardRegistry, type ForwardInfo } from '../forward/forwardRegistry';
import type { ForwardsApi } from '../forward/forwardsApi';
import { rewriteToLocal } from '../forward/urlDetection';
import { ForwardedLinkProvider } from './portForwardLinks';
import type { Services } from './services';

export class PortForwards implements vscode.Disposable {
  readonly registry: ForwardRegistry;

  constructor(private readonly services: Services) {
    this.registry = new ForwardRegistry((name) => services.registry.get(name));
    this.registry.onDidChange(() => void vscode.commands.executeCommand('setContext', 'slurm.forwardCount', this.registry.list().length));
    this.registry.onDidClose(({ forward, reason, byUser }) => {
      if (byUser) return;
      void vscode.window.showInformationMessage(`Forwarded port ${forward.localPort} (job ${forward.jobId}, ${forward.node}:${forward.remotePort}) closed: ${reason}.`);
    });
  }

  /** Where the browser reaches `url` (a link the job printed, or http://<node>:<port>/) once forwarded. */
  async externalUri(forward: ForwardInfo, url = `http://127.0.0.1:${forward.remotePort}/`): Promise<vscode.Uri> {
    return vscode.env.asExternalUri(vscode.Uri.parse(rewriteToLocal(url, forward.localPort), true));
  }

  /** Opens the forwarded page in the browser (code-server: the user's browser, through its proxy). */
  async openInBrowser(forward: ForwardInfo, url?: string): Promise<boolean> {
    return vscode.env.openExternal(await this.externalUri(forward, url));
  }

  timeoutMs(): number {
    return this.services.commandTimeoutMs();
  }

  dispose(): void {
    this.registry.dispose();
  }
}

/**
 * Registers the links and returns the feature; its commands (Forward Port from Job…, Forwarded Ports,
 * and the internal one behind links in job logs) are in the one command list (commands/index.ts).
 */
export function registerPortForwards(services: Services): { forwards: PortForwards; api: ForwardsApi } {
  const forwards = new PortForwards(services);
  const links = new ForwardedLinkProvider(services.registry);
  services.context.subscriptions.push(
    forwards,
    vscode.languages.registerDocumentLinkProvider(ForwardedLinkProvider.selector, links),
  );
  const api: ForwardsApi = {
    list: () => forwards.registry.list(),
    externalUrl: async (forward, path = '/') => (await forwards.externalUri(forward, `http://127.0.0.1:${forward.remotePort}${path}`)).toString(true),
    closeAll: () => forwards.registry.list().forEach((f) => forwards.registry.close(f.id)),
  };
  return { forwards, api };
}
