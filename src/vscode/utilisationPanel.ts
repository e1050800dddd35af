/**
 * The utilisation picture: one webview panel with per-partition stacked bars (CPU, GPU, nodes,
 * memory) for every cluster, updated live from the resources monitor. The page is locked down: a
 * CSP allowing only our own stylesheet and one nonce'd script from media/resources, no remote
 * content, and the script builds the DOM with textContent only (cluster and reason texts are data,
 * never markup).
 */
import * as vscode from 'vscode';
import { webviewPage } from './webviewPage';
import type { ResourcesMonitor } from '../resources/monitor';
import { utilisationCluster, type UtilisationCluster } from '../resources/utilisation';

export class UtilisationPanel implements vscode.Disposable {
  static readonly viewType = 'slurm.resources.utilisation';
  private panel: vscode.WebviewPanel | undefined;
  private focusCluster: string | undefined;
  private renderedWaiters: ((partitions: number) => void)[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly monitor: ResourcesMonitor,
    /** Tells the monitor that someone looks at the figures (keeps the pollers running). */
    private readonly onVisibility: (visible: boolean) => void,
  ) {}

  /**
   * Opens (or reveals) the panel; `cluster` scrolls that cluster into view. Resolves when the page
   * has drawn the figures (with the number of partitions drawn), or undefined after 20 s.
   */
  show(cluster?: string): Promise<number | undefined> {
    this.focusCluster = cluster;
    const rendered = new Promise<number | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 20_000);
      this.renderedWaiters.push((n) => {
        clearTimeout(timer);
        resolve(n);
      });
    });
    if (this.panel) {
      this.panel.reveal(vscode.ViewColumn.Active);
      this.post();
      return rendered;
    }
    const mediaRoot = vscode.Uri.joinPath(this.extensionUri, 'media', 'resources');
    const panel = vscode.window.createWebviewPanel(UtilisationPanel.viewType, 'Slurm Utilisation', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [mediaRoot],
      retainContextWhenHidden: false,
    });
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'slurm.svg');
    panel.webview.html = this.html(panel.webview, mediaRoot);
    const subs = [
      this.monitor.onDidChange(() => this.post()),
      panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      panel.onDidChangeViewState((e) => {
        this.onVisibility(e.webviewPanel.visible);
        if (e.webviewPanel.visible) this.post();
      }),
      panel.onDidDispose(() => {
        for (const s of subs) s.dispose();
        this.panel = undefined;
        this.onVisibility(false);
      }),
    ];
    this.onVisibility(true);
    return rendered;
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  dispose(): void {
    this.panel?.dispose();
  }

  private onMessage(message: unknown): void {
    if (typeof message !== 'object' || message === null) return;
    const m = message as { type?: unknown; cluster?: unknown };
    if (m.type === 'ready') this.post();
    else if (m.type === 'rendered') {
      const n = typeof (message as { partitions?: unknown }).partitions === 'number' ? (message as { partitions: number }).partitions : 0;
      for (const resolve of this.renderedWaiters.splice(0)) resolve(n);
    }
    else if (m.type === 'refresh') void this.monitor.refresh(typeof m.cluster === 'string' ? m.cluster : undefined);
  }

  private post(): void {
    if (!this.panel) return;
    const clusters: UtilisationCluster[] = this.monitor.clusters().flatMap((name) => {
      const state = this.monitor.state(name);
      return state ? [utilisationCluster(state)] : [];
    });
    void this.panel.webview.postMessage({ type: 'update', clusters, focus: this.focusCluster });
  }

  private html(webview: vscode.Webview, mediaRoot: vscode.Uri): string {
    return webviewPage(webview, mediaRoot, { script: 'utilisation.js', style: 'utilisation.css', title: 'Slurm Utilisation', body: `<header class="top">
  <h1>Cluster utilisation</h1>
  <div class="legend" aria-label="Legend">
    <span><i class="sw used"></i>in use</span><span><i class="sw partial"></i>mixed</span><span><i class="sw down"></i>down / drained</span><span><i class="sw free"></i>free</span>
  </div>
  <button id="refresh" type="button" title="Read the figures again now">Refresh</button>
</header>
<main id="root"><p class="muted">Reading partitions and nodes…</p></main>` });
  }
}
