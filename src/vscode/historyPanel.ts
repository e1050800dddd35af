/**
 * Job history of one cluster over one window: a webview panel with a table (filter box, state
 * chips, partition choice, sortable columns), an "Export CSV…" button and rows that open the job's
 * details. Locked down like the other panels (webviewPage.ts: a CSP allowing only our stylesheet and
 * one nonce'd script from media/history, no remote content); the page sets text with textContent only.
 *
 * The page is a thin view: it sends the query (zod-validated here), the host filters and sorts with
 * session/historyTable.ts and posts back what to draw; the export writes the same query's rows, all
 * of them, not only the ones drawn. Each Show Job History opens its own panel, so two windows or two
 * clusters can sit side by side.
 */
import * as vscode from 'vscode';
import { errorMessage } from '../core/errors';
import { logger } from '../core/logger';
import { historyCsv, historyPageMessageSchema, historyQuerySchema, historyView, queryRows, type HistoryPageMessage, type HistoryQuery, type HistoryRow } from '../session/historyTable';
import { webviewPage } from './webviewPage';

export interface HistoryContent {
  cluster: string;
  /** "last 7 days". */
  windowLabel: string;
  rows: HistoryRow[];
}

export class HistoryPanel implements vscode.Disposable {
  static readonly viewType = 'slurm.history';
  private readonly panel: vscode.WebviewPanel;
  private query: HistoryQuery = historyQuerySchema.parse({});
  private readonly subs: vscode.Disposable[] = [];
  private renderedWaiters: ((rows: number) => void)[] = [];

  constructor(
    extensionUri: vscode.Uri,
    private readonly content: HistoryContent,
  ) {
    const mediaRoot = vscode.Uri.joinPath(extensionUri, 'media', 'history');
    this.panel = vscode.window.createWebviewPanel(HistoryPanel.viewType, `Job History: ${content.cluster} (${content.windowLabel})`, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [mediaRoot],
      // The page starts over when shown again and says 'ready'; the host keeps the query.
      retainContextWhenHidden: false,
    });
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'slurm.svg');
    this.panel.webview.html = html(this.panel.webview, mediaRoot);
    this.subs.push(
      this.panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
      this.panel.onDidDispose(() => {
        for (const s of this.subs) s.dispose();
      }),
    );
  }

  /** Resolves with the number of rows drawn the next time the page draws, or undefined after 20 s. */
  whenRendered(): Promise<number | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 20_000);
      this.renderedWaiters.push((n) => {
        clearTimeout(timer);
        resolve(n);
      });
    });
  }

  dispose(): void {
    this.panel.dispose();
  }

  private async onMessage(raw: unknown): Promise<void> {
    const parsed = historyPageMessageSchema.safeParse(raw);
    if (!parsed.success) {
      logger.warn(`Job history page sent a message we do not read: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
      return;
    }
    const m: HistoryPageMessage = parsed.data;
    switch (m.type) {
      case 'ready':
        this.post();
        return;
      case 'query':
        this.query = m.query;
        this.post();
        return;
      case 'export':
        this.query = m.query;
        await this.exportCsv();
        return;
      case 'open':
        await vscode.commands.executeCommand('slurm.showJobDetails', { cluster: this.content.cluster, jobId: m.jobId });
        return;
      case 'rendered':
        for (const resolve of this.renderedWaiters.splice(0)) resolve(m.rows);
        return;
    }
  }

  private post(): void {
    const title = `${this.content.cluster} · ${this.content.windowLabel}`;
    void this.panel.webview.postMessage({ type: 'view', view: historyView(title, this.content.rows, this.query) });
  }

  private async exportCsv(): Promise<void> {
    const rows = queryRows(this.content.rows, this.query);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const fileName = `slurm-history-${this.content.cluster.replace(/[^\w.-]+/g, '_')}-${new Date().toISOString().slice(0, 10)}.csv`;
    const target = await vscode.window.showSaveDialog({
      title: `Export ${rows.length} job${rows.length === 1 ? '' : 's'} as CSV`,
      saveLabel: 'Export',
      filters: { CSV: ['csv'] },
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, fileName) } : {}),
    });
    if (!target) return;
    try {
      // A byte-order mark so spreadsheets read the names as UTF-8 rather than the local code page.
      await vscode.workspace.fs.writeFile(target, Buffer.from(`\uFEFF${historyCsv(rows)}`, 'utf8'));
      void vscode.window.showInformationMessage(`Exported ${rows.length} job${rows.length === 1 ? '' : 's'} to ${target.fsPath || target.toString()}.`);
    } catch (err) {
      void vscode.window.showErrorMessage(`Writing the job history CSV failed: ${errorMessage(err)}`, { detail: 'Choose a folder you can write to.' });
    }
  }
}

function html(webview: vscode.Webview, mediaRoot: vscode.Uri): string {
  return webviewPage(webview, mediaRoot, {
    script: 'history.js',
    style: 'history.css',
    title: 'Job history',
    body: `<header>
  <h1 id="title">Job history</h1>
  <p id="summary" class="summary" aria-live="polite">Reading accounting…</p>
  <div class="controls">
    <input id="filter" type="search" placeholder="Filter by name or job id" aria-label="Filter by name or job id">
    <div id="chips" class="chips" role="group" aria-label="States"></div>
    <select id="partition" aria-label="Partition"><option value="">All partitions</option></select>
    <button id="export" type="button">Export CSV…</button>
  </div>
</header>
<main>
  <table id="table"><thead><tr id="head"></tr></thead><tbody id="body"></tbody></table>
  <p id="more" class="summary"></p>
</main>`,
  });
}
