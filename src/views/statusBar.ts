/** `Slurm: 3 R · 2 PD` for all clusters; an error state; click focuses the Jobs view. */
import * as vscode from 'vscode';
import { stateLook } from '../session/jobPresentation';
import type { SessionRegistry } from '../session/sessionRegistry';

export class JobsStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('slurm.status', vscode.StatusBarAlignment.Left, 50);
  private readonly sub: { dispose(): void };

  constructor(private readonly registry: SessionRegistry) {
    this.item.name = 'Slurm Jobs';
    this.item.command = 'slurm.jobs.focus';
    this.sub = registry.onDidChange(() => this.render());
    this.render();
  }

  private render(): void {
    const sessions = this.registry.all();
    if (sessions.length === 0) {
      this.item.hide();
      return;
    }
    let running = 0;
    let pending = 0;
    const failing: string[] = [];
    let reconnecting = false;
    for (const s of sessions) {
      const snap = s.snapshot;
      if (snap.connection.kind === 'reconnecting' || snap.connection.kind === 'connecting') reconnecting = true;
      if (snap.error !== undefined) failing.push(`${snap.profileName}: ${snap.error}`);
      for (const j of snap.jobs) {
        const g = stateLook(j.state).group;
        if (g === 'running') running++;
        else if (g === 'pending') pending++;
      }
    }
    const icon = reconnecting ? '$(sync~spin)' : failing.length ? '$(warning)' : '$(server-environment)';
    this.item.text = `${icon} Slurm: ${running} R · ${pending} PD${reconnecting ? ' · reconnecting' : ''}`;
    this.item.tooltip = failing.length ? `Slurm Workbench\n${failing.join('\n')}` : 'Slurm Workbench — show jobs';
    this.item.backgroundColor = failing.length ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.sub.dispose();
    this.item.dispose();
  }
}
