/**
 * The extension's entry point (package.json `main`: dist/activate.js, a small bundle of its own).
 * VS Code activates us when a shell, Python or YAML file opens; most of those users only want the
 * #SBATCH language help. So activation registers that help, plus a stand-in for everything the
 * manifest promises (each contributed command, the three views, the `slurm:` file system), and loads
 * the full bundle (dist/extension.js: sessions, views, submit, logs…) the first time one of them is
 * used. Loading is synchronous (bundleLoader.ts), so a stand-in loads and forwards in the same call.
 */
import * as vscode from 'vscode';
import type { SlurmWorkbenchApi } from './api';
import { loadBundle } from './bundleLoader';
import type { BundleLoad, CommandHandler, EntryHost, EntryViewId } from './vscode/entryHost';
import { readProfilesSetting } from './vscode/configuration';
import { DeferredFileSystem, DeferredTreeProvider } from './vscode/deferredProviders';
import { registerSbatchLanguage } from './vscode/sbatchLanguage';
import { SLURM_SCHEME } from './remoteFs/slurmUri';

/** What dist/extension.js exports (extension.ts). */
interface FullBundle {
  activate(context: vscode.ExtensionContext, host: EntryHost): SlurmWorkbenchApi;
  deactivate?(): void;
}

/** The views of package.json and the options VS Code fixes when a view is created. */
const VIEWS: Record<EntryViewId, Omit<vscode.TreeViewOptions<unknown>, 'treeDataProvider'>> = {
  'slurm.jobs': { showCollapseAll: true, canSelectMany: true },
  'slurm.resources': { showCollapseAll: true },
  'slurm.workflows': { showCollapseAll: true },
};

let loaded: { bundle: FullBundle; api: SlurmWorkbenchApi } | undefined;

export function activate(context: vscode.ExtensionContext): SlurmWorkbenchApi {
  const sbatch = registerSbatchLanguage(context);
  const handlers = new Map<string, CommandHandler>();
  const fileSystem = new DeferredFileSystem(() => full());
  const views = new Map<EntryViewId, { provider: DeferredTreeProvider<unknown>; view: vscode.TreeView<unknown> }>();
  context.subscriptions.push(fileSystem, vscode.workspace.registerFileSystemProvider(SLURM_SCHEME, fileSystem, { isCaseSensitive: true }));
  for (const [id, options] of Object.entries(VIEWS) as [EntryViewId, (typeof VIEWS)[EntryViewId]][]) {
    const provider = new DeferredTreeProvider<unknown>(id, () => full());
    const view = vscode.window.createTreeView(id, { ...options, treeDataProvider: provider });
    views.set(id, { provider, view });
    context.subscriptions.push(provider, view);
  }

  let loading = false;
  function full(): { bundle: FullBundle; api: SlurmWorkbenchApi } {
    if (loaded) return loaded;
    // A stand-in asked while the bundle activates (its own views being created) has nothing to forward to yet.
    if (loading) throw new Error('Slurm Workbench is still loading');
    loading = true;
    try {
      const { bundle, load } = loadBundle<FullBundle>(context.extensionMode, vscode.Uri.joinPath(context.globalStorageUri, 'code-cache').fsPath);
      const api = bundle.activate(context, host(load));
      loaded = { bundle, api };
      return loaded;
    } finally {
      loading = false;
    }
  }
  const host = (load: BundleLoad): EntryHost => ({
    load,
    treeView<T>(id: EntryViewId, provider: vscode.TreeDataProvider<T>): vscode.TreeView<T> {
      const entry = views.get(id);
      if (!entry) throw new Error(`no view ${id} in the entry`);
      entry.provider.setTarget(provider as vscode.TreeDataProvider<unknown>);
      return entry.view as vscode.TreeView<T>;
    },
    fileSystem: (provider) => fileSystem.setTarget(provider),
    commands(list) {
      for (const [id, handler] of list) handlers.set(id, handler);
    },
    sbatch,
  });

  // Every contributed command: the first run loads the bundle, whose handler then runs.
  const contributed = (context.extension.packageJSON as { contributes?: { commands?: { command: string }[] } }).contributes?.commands ?? [];
  for (const { command } of contributed) {
    context.subscriptions.push(vscode.commands.registerCommand(command, (...args: unknown[]) => {
      full();
      const handler = handlers.get(command);
      if (!handler) throw new Error(`Slurm Workbench has no handler for ${command}`);
      // The handler's parameters are whatever the menu or the caller passes (commands/index.ts).
      return (handler as (...a: unknown[]) => unknown)(...args);
    }));
  }

  // The palette's and the welcome view's when-clauses need the profile count before anything loads;
  // a raw count does without validation (the bundle sets the exact one when its sessions start).
  const rawProfiles = readProfilesSetting().raw;
  void vscode.commands.executeCommand('setContext', 'slurm.profileCount', Array.isArray(rawProfiles) ? rawProfiles.length : 0);

  // A YAML file may be a workflow: its CodeLens and diagnostics are in the bundle. Loaded after this
  // activation returns, since no one waits for them.
  const loadForYaml = (doc: vscode.TextDocument): void => {
    if (!loaded && doc.languageId === 'yaml') setTimeout(() => loaded ?? full(), 0);
  };
  vscode.workspace.textDocuments.forEach(loadForYaml);
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument(loadForYaml));

  // Other extensions and our tests get the bundle's API; reading it loads the bundle. VS Code itself
  // looks for `then` on what activate returns (a promise?): that must not count as a use.
  return new Proxy({} as SlurmWorkbenchApi, {
    get: (_target, key) => (key === 'then' || typeof key === 'symbol' ? undefined : Reflect.get(full().api, key) as unknown),
  });
}

export function deactivate(): void {
  loaded?.bundle.deactivate?.();
}
