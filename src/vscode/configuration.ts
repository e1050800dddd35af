/**
 * The one place that reads VS Code's configuration for `slurm.*`. Features receive the typed,
 * validated settings (config/settings.ts) and this object's change event; they never call
 * `getConfiguration` themselves. Problems (a bad value, which then falls back to its default) are
 * reported here, once per distinct problem until the settings change again.
 *
 * Settings are read and validated at their first use, not during activation: validation loads zod
 * (dist/vendor/zod.js), which opening a shell script — the usual activation — does not need.
 */
import * as vscode from 'vscode';
import { describeProblem, parseSettings, SETTING_KEYS, type SettingKey, type Settings } from '../config/settings';
import { ignoredProfilesMessage, profilesUnderTrust, type TrustedProfiles } from '../config/profileTrust';
import { logger } from '../core/logger';

/** Where a setting is written. */
export type SettingScope = 'global' | 'workspace' | 'workspaceFolder';

/** A setting's explicit values per scope (VS Code's `inspect()`). */
export interface SettingValues<T> {
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

export interface SettingsChange {
  /** Whether `slurm.<section>` (a key or a prefix such as 'logs') changed. */
  affects(section: string): boolean;
}

const TARGETS: Record<SettingScope, vscode.ConfigurationTarget> = {
  global: vscode.ConfigurationTarget.Global,
  workspace: vscode.ConfigurationTarget.Workspace,
  workspaceFolder: vscode.ConfigurationTarget.WorkspaceFolder,
};

const section = (scope?: vscode.Uri): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('slurm', scope);

/**
 * `slurm.profiles` the one way: what VS Code applies, minus the workspace-level profiles an
 * untrusted workspace may not apply (config/profileTrust.ts). Read fresh on every call (cheap, no zod).
 */
export function readProfilesSetting(): TrustedProfiles {
  const config = section();
  const i = config.inspect<unknown>('profiles');
  return profilesUnderTrust(
    { effective: config.get('profiles'), globalValue: i?.globalValue, workspaceValue: i?.workspaceValue, workspaceFolderValue: i?.workspaceFolderValue },
    vscode.workspace.isTrusted,
  );
}

export class Configuration implements vscode.Disposable {
  private current: Settings | undefined;
  private readonly reported = new Set<string>();
  private readonly announcedIgnored = new Set<string>();
  private readonly changed = new vscode.EventEmitter<SettingsChange>();
  /** Fired after any `slurm.*` setting changed (or the workspace became trusted); `settings` is then re-read. */
  readonly onDidChange = this.changed.event;
  private readonly listeners: vscode.Disposable[];

  constructor() {
    this.listeners = [
      this.changed,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('slurm')) return;
        this.invalidate();
        this.changed.fire({ affects: (key) => e.affectsConfiguration(`slurm.${key}`) });
      }),
      // Trusting the workspace lets its own cluster profiles apply.
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        this.invalidate();
        this.changed.fire({ affects: (key) => key === 'profiles' });
      }),
    ];
  }

  /** The current settings, validated (read at first use and after each change). */
  get settings(): Settings {
    return (this.current ??= this.read());
  }

  /** The settings as they apply to one file (resource-scoped ones such as `slurm.submit.syncFolder`). */
  settingsFor(resource: vscode.Uri): Settings {
    return this.read(resource);
  }

  profiles(): TrustedProfiles {
    return readProfilesSetting();
  }

  inspect<T>(key: string): SettingValues<T> {
    const i = section().inspect<T>(key);
    return { globalValue: i?.globalValue, workspaceValue: i?.workspaceValue, workspaceFolderValue: i?.workspaceFolderValue };
  }

  /** The value VS Code applies, unvalidated (for writers that edit a list, such as the profiles). */
  raw<T>(key: string): T | undefined {
    return section().get<T>(key);
  }

  async update(key: string, value: unknown, scope: SettingScope): Promise<void> {
    await section().update(key, value, TARGETS[scope]);
  }

  /**
   * Says each problem once (log + a warning with Open Settings) until the settings change: a bad
   * value falls back to its default and the user learns which and why, without a toast per read.
   */
  report(problems: readonly string[]): void {
    for (const problem of problems) {
      if (this.reported.has(problem)) continue;
      this.reported.add(problem);
      logger.warn(problem);
      void vscode.window.showWarningMessage(`Slurm Workbench settings: ${problem}`, 'Open Settings').then((a) => {
        if (a) void vscode.commands.executeCommand('slurm.openSettings');
      });
    }
  }

  /** Says once per window which workspace profiles are ignored (untrusted workspace), with a way to trust it. */
  announceIgnoredProfiles(ignored: readonly string[]): void {
    const key = ignored.join('\n');
    if (ignored.length === 0 || this.announcedIgnored.has(key)) return;
    this.announcedIgnored.add(key);
    const message = ignoredProfilesMessage(ignored);
    logger.warn(message);
    void vscode.window.showWarningMessage(message, 'Manage Workspace Trust').then((a) => {
      if (a) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  }

  dispose(): void {
    for (const l of this.listeners) l.dispose();
  }

  private invalidate(): void {
    this.current = undefined;
    this.reported.clear();
  }

  private read(scope?: vscode.Uri): Settings {
    const config = section(scope);
    const raw: Partial<Record<SettingKey, unknown>> = {};
    for (const key of SETTING_KEYS) raw[key] = config.get(key);
    const { settings, problems } = parseSettings(raw);
    this.report(problems.map(describeProblem));
    return settings;
  }
}
