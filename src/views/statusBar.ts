/** `Slurm: 3 R · 2 PD` for the clusters that answer, `bundled: unreachable` when none does (statusBarText.ts); click focuses the Jobs view. */
import * as vscode from 'vscode';
import type { SessionRegistry } from '../session/sessionRegistry';
import { isUnreachable, statusBarLook } from './statusBarText';

export class JobsStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('slurm.status', vscode.StatusBarAlignment.Left, 50);
  private readonly sub: { dispose(): void };
  /** Last value given to the `slurm.connected` context key (the walkthrough's "Connect" step ticks on it). */
  private connected: boolean | undefined;

  constructor(private readonly registry: SessionRegistry) {
    this.item.name = 'Slurm Jobs';
    this.item.command = 'slurm.jobs.focus';
    this.sub = registry.onDidChange(() => this.render());
    this.render();
  }

  /** The text as shown ('' while hidden: no profiles). */
  get text(): string {
    return this.registry.all().length === 0 ? '' : this.item.text;
  }

  private render(): void {
    const sessions = this.registry.all();
    const connected = sessions.some((s) => s.snapshot.connection.kind === 'connected' && !isUnreachable(s.snapshot));
    if (connected !== this.connected) {
      this.connected = connected;
      void vscode.commands.executeCommand('setContext', 'slurm.connected', connected);
    }
    if (sessions.length === 0) {
      this.item.hide();
      return;
    }
    const look = statusBarLook(sessions.map((s) => s.snapshot));
    this.item.text = look.text;
    this.item.tooltip = look.tooltip;
    this.item.backgroundColor = look.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.sub.dispose();
    this.item.dispose();
  }
}
