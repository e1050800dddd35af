/**
 * Which files are workflows, under `slurm.workflows.filePattern`: the CodeLens, our diagnostics,
 * Run Workflow / Show Graph and their menus all ask here. Menus' `when` clauses cannot read a
 * setting or match a glob, so two context keys carry it:
 *   slurm.workflows.customPattern  false while the setting is not set anywhere: menus then match
 *                                  `*.slurm.yaml` / `*.slurm.yml` by name (the default pattern);
 *   slurm.workflowFiles            with a pattern set: the paths of the workspace's files that
 *                                  match it (found once, kept current by a file watcher) and of
 *                                  open documents that match it (`resourcePath in ...`).
 * Whether the setting is set is read without validating the settings (no zod while the user only
 * opened a script); the pattern itself is read through the validated settings when one is set.
 */
import * as vscode from 'vscode';
import { DEFAULT_WORKFLOW_PATTERN, matchesWorkflowPattern } from '../workflow/filePattern';
import type { Services } from './services';

export const WORKFLOW_FILE_BY_NAME = /\.slurm\.ya?ml$/i;
const MAX_LISTED = 2000;

export class WorkflowFiles implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** The pattern (or whether one is set) changed: re-check open documents and lenses. */
  readonly onDidChange = this.changed.event;
  private custom: string | undefined;
  private listed = new Set<string>();
  private watcher: vscode.Disposable | undefined;
  private scan = 0;
  private readonly subs: vscode.Disposable[];

  constructor(private readonly services: Services) {
    this.subs = [
      this.changed,
      services.configuration.onDidChange((e) => {
        if (e.affects('workflows')) this.apply();
      }),
      vscode.workspace.onDidOpenTextDocument((doc) => this.noteOpened(doc.uri)),
    ];
    this.apply();
  }

  /** The pattern in force. */
  pattern(): string {
    return this.custom ?? DEFAULT_WORKFLOW_PATTERN;
  }

  isWorkflow(uri: vscode.Uri): boolean {
    if (this.custom === undefined) return WORKFLOW_FILE_BY_NAME.test(uri.path);
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const relative = folder ? uri.path.slice(folder.uri.path.replace(/\/$/, '').length + 1) : undefined;
    return matchesWorkflowPattern(this.custom, uri.path, relative);
  }

  dispose(): void {
    this.watcher?.dispose();
    for (const s of this.subs) s.dispose();
  }

  private apply(): void {
    // A value that is not text is no pattern: the default applies (and the settings' validation reports it).
    const set = Object.values(this.services.configuration.inspect<unknown>('workflows.filePattern')).some((v) => typeof v === 'string');
    this.custom = set ? this.services.settings()['workflows.filePattern'] : undefined;
    void vscode.commands.executeCommand('setContext', 'slurm.workflows.customPattern', set);
    this.watcher?.dispose();
    this.watcher = undefined;
    this.listed = new Set();
    if (this.custom !== undefined) void this.list(this.custom, ++this.scan);
    else void this.publish();
    this.changed.fire();
  }

  /** Lists the workspace's files that match, then follows creations and deletions. */
  private async list(pattern: string, scan: number): Promise<void> {
    const watchers: vscode.Disposable[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const glob = new vscode.RelativePattern(folder, pattern);
      const w = vscode.workspace.createFileSystemWatcher(glob, false, true, false);
      w.onDidCreate((u) => this.add(u));
      w.onDidDelete((u) => {
        if (this.listed.delete(u.fsPath)) void this.publish();
      });
      watchers.push(w);
      const found = await vscode.workspace.findFiles(glob, undefined, MAX_LISTED);
      if (scan !== this.scan) break;
      for (const u of found) this.listed.add(u.fsPath);
    }
    if (scan !== this.scan) {
      for (const w of watchers) w.dispose();
      return;
    }
    this.watcher = vscode.Disposable.from(...watchers);
    for (const doc of vscode.workspace.textDocuments) if (this.isWorkflow(doc.uri)) this.listed.add(doc.uri.fsPath);
    await this.publish();
  }

  private add(uri: vscode.Uri): void {
    if (this.listed.has(uri.fsPath)) return;
    this.listed.add(uri.fsPath);
    void this.publish();
  }

  private noteOpened(uri: vscode.Uri): void {
    if (this.custom !== undefined && this.isWorkflow(uri)) this.add(uri);
  }

  private async publish(): Promise<void> {
    await vscode.commands.executeCommand('setContext', 'slurm.workflowFiles', [...this.listed]);
  }
}
