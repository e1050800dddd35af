/**
 * The efficiency of one finished job: a webview panel with small horizontal bars (CPU, memory,
 * time) and the hints, drawn from the EfficiencyView computed in src/session/efficiency.ts. Locked
 * down like the utilisation panel: a CSP allowing only our own stylesheet and one nonce'd script
 * from media/efficiency, no remote content, and the page sets text with textContent only.
 * One panel, reused: showing another job replaces the figures.
 */
import * as vscode from 'vscode';
import { webviewPage } from './webviewPage';
import type { EfficiencyView } from '../session/efficiency';

export class EfficiencyPanel implements vscode.Disposable {
  static readonly viewType = 'slurm.efficiency';
  private panel: vscode.WebviewPanel | undefined;
  private view: EfficiencyView | undefined;
  private renderedWaiters: ((bars: number) => void)[] = [];

  constructor(private readonly extensionUri: vscode.Uri) {}

  /** Shows `view`; resolves with the number of bars drawn once the page has drawn them, or undefined after 20 s. */
  show(view: EfficiencyView): Promise<number | undefined> {
    this.view = view;
    const rendered = new Promise<number | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 20_000);
      this.renderedWaiters.push((n) => {
        clearTimeout(timer);
        resolve(n);
      });
    });
    if (this.panel) {
      this.panel.title = `Efficiency: ${view.title}`;
      this.panel.reveal(vscode.ViewColumn.Active);
      this.post();
      return rendered;
    }
    const mediaRoot = vscode.Uri.joinPath(this.extensionUri, 'media', 'efficiency');
    const panel = vscode.window.createWebviewPanel(EfficiencyPanel.viewType, `Efficiency: ${view.title}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [mediaRoot],
      retainContextWhenHidden: false,
    });
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'slurm.svg');
    panel.webview.html = html(panel.webview, mediaRoot);
    const subs = [
      panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      // retainContextWhenHidden is off: the page starts over when shown again and says 'ready'.
      panel.onDidDispose(() => {
        for (const s of subs) s.dispose();
        this.panel = undefined;
      }),
    ];
    return rendered;
  }

  dispose(): void {
    this.panel?.dispose();
  }

  private onMessage(message: unknown): void {
    if (typeof message !== 'object' || message === null) return;
    const m = message as { type?: unknown; bars?: unknown };
    if (m.type === 'ready') this.post();
    else if (m.type === 'rendered') {
      const n = typeof m.bars === 'number' ? m.bars : 0;
      for (const resolve of this.renderedWaiters.splice(0)) resolve(n);
    }
  }

  private post(): void {
    if (this.panel && this.view) void this.panel.webview.postMessage({ type: 'show', view: this.view });
  }
}

function html(webview: vscode.Webview, mediaRoot: vscode.Uri): string {
  return webviewPage(webview, mediaRoot, { script: 'efficiency.js', style: 'efficiency.css', title: 'Job efficiency', body: '<main id="root"><p class="state">Reading accounting…</p></main>' });
}
