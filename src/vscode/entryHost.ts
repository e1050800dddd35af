/**
 * What the entry point (src/entry.ts, dist/activate.js) hands the full bundle (src/extension.ts,
 * dist/extension.js) when it loads it. The entry owns what VS Code may ask for before anyone ran a
 * command or showed a view: the #SBATCH language help, the contributed commands, the three tree views
 * and the `slurm:` file system. The bundle fills them in: each command dispatches to the handler given
 * here, each view and the file system forward to the provider given here.
 * Types only: the two bundles share no module at run time (each would get its own copy).
 */
import type * as vscode from 'vscode';
import type { SbatchClusterFacts } from './sbatchLanguage';

/** How the full bundle was loaded (bundleLoader.ts), for the log line of its activation. */
export interface BundleLoad {
  /** Compiling and evaluating dist/extension.js, in ms. */
  loadMs: number;
  codeCache: 'used' | 'written' | 'rejected' | 'off';
}

/** A command's handler as VS Code calls it: with the arguments of the menu or the caller. */
export type CommandHandler = (...args: never[]) => unknown;

/** A command id and its handler (commands/index.ts builds the list of them). */
export type CommandRegistration = readonly [id: string, handler: CommandHandler];

/** The views the entry creates (package.json contributes.views). */
export type EntryViewId = 'slurm.jobs' | 'slurm.resources' | 'slurm.workflows';

export interface EntryHost {
  /** How the bundle was loaded, for the log line of its activation. */
  readonly load: BundleLoad;
  /** The view the entry created, from now on showing `provider`'s tree. */
  treeView<T>(id: EntryViewId, provider: vscode.TreeDataProvider<T>): vscode.TreeView<T>;
  /** The `slurm:` file system is served by `provider` from now on. */
  fileSystem(provider: vscode.FileSystemProvider): void;
  /** The handlers of the contributed commands (the entry registered every id). */
  commands(list: readonly CommandRegistration[]): void;
  /** The #SBATCH language help asks `facts` for partitions, GRES and QOS of a connected cluster. */
  readonly sbatch: {
    useFacts(facts: SbatchClusterFacts): void;
    /** Diagnoses the open scripts again (the cluster facts changed). */
    rediagnose(): void;
  };
}
