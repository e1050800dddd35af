/**
 * The services built once at activation and handed to each feature's `register(services)`.
 * Built explicitly in extension.ts (no global service locator); features only read from it.
 */
import type * as vscode from 'vscode';
import type { Settings } from '../config/settings';
import type { Configuration } from './configuration';
import type { EntryHost } from './entryHost';
import type { EfficiencyMemory } from '../session/efficiency';
import type { SubmitForms } from './submitFormPanel';
import type { SessionRegistry } from '../session/sessionRegistry';
import type { JobsTreeProvider, JobsTreeNode } from '../views/jobsTree';

export interface Services {
  readonly context: vscode.ExtensionContext;
  /** What the entry point registered (views, commands, the `slurm:` file system, the #SBATCH help), to fill in. */
  readonly entry: EntryHost;
  /** One session (transport + poller + last jobs) per configured cluster profile. */
  readonly registry: SessionRegistry;
  /** The extension's log channel ("Slurm Workbench"). */
  readonly channel: vscode.LogOutputChannel;
  readonly jobsTree: JobsTreeProvider;
  readonly jobsView: vscode.TreeView<JobsTreeNode>;
  /** Current validated `slurm.*` settings (re-read after every change). */
  settings(): Settings;
  /** The time budget of one remote command now (`slurm.commandTimeoutSeconds`, in ms). */
  commandTimeoutMs(): number;
  /** The one reader of `slurm.*`: resource-scoped reads, profiles, writes, the change event, problem reports. */
  readonly configuration: Configuration;
  /** Finished jobs' efficiency as read (badge and tooltip in the Jobs view; written by Show Efficiency and the badge reader). */
  readonly efficiency: EfficiencyMemory;
  /** The Submit with Options… form (one open at a time). */
  readonly submitForms: SubmitForms;
}
