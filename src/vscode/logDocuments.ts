/**
 * Read-only log viewer: documents on the `slurm-log:` scheme. The command reads the log first (so
 * a missing or unreadable file is an error message with its path, not an empty editor), then
 * opens the document; the provider serves that text and re-reads on demand.
 */
import * as vscode from 'vscode';
import { readLog, partialLogNote } from '../logs/readLog';
import type { Transport } from '../transport/types';

export const LOG_SCHEME = 'slurm-log';

export interface LogDocumentSource {
  transport(profileName: string): Transport | undefined;
  readOptions(): { tailLines: number; bigFileBytes: number; timeoutMs: number };
}

export class LogDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;

  constructor(private readonly source: LogDocumentSource) {}

  static uri(profileName: string, jobId: string, stream: 'stdout' | 'stderr', path: string): vscode.Uri {
    const base = path.split('/').pop() || 'log';
    return vscode.Uri.from({
      scheme: LOG_SCHEME,
      path: `/${encodeURIComponent(profileName)}/${jobId}/${stream}/${base}`,
      query: new URLSearchParams({ profile: profileName, path }).toString(),
    });
  }

  /** Reads the log now (throws UserFacingError with the path when it cannot) and keeps the text. */
  async load(uri: vscode.Uri, signal?: AbortSignal): Promise<void> {
    const q = new URLSearchParams(uri.query);
    const profile = q.get('profile') ?? '';
    const path = q.get('path') ?? '';
    const transport = this.source.transport(profile);
    if (!transport) throw new Error(`The cluster profile "${profile}" is no longer configured.`);
    const opts = this.source.readOptions();
    const content = await readLog(transport, path, { ...opts, signal });
    const note = partialLogNote(content, opts.tailLines);
    this.texts.set(uri.toString(), note ? `${note}\n${content.text}` : content.text);
    this.changeEmitter.fire(uri);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    if (!this.texts.has(uri.toString())) await this.load(uri);
    return this.texts.get(uri.toString()) ?? '';
  }

  dispose(): void {
    this.changeEmitter.dispose();
    this.texts.clear();
  }
}
