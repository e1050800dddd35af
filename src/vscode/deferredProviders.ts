/**
 * Stand-ins the entry point (entry.ts) registers at activation for what lives in the full bundle: a
 * tree data provider and a file system provider that load the bundle the first time VS Code asks them
 * for something (the view is shown, a `slurm:` file is read), then forward to the bundle's provider.
 * VS Code fixes a view's provider and a scheme's provider at registration, so the stand-in stays in
 * between; forwarding is a function call.
 */
import * as vscode from 'vscode';

/** Loads the full bundle (synchronously; once). */
export type LoadBundle = () => void;

export class DeferredTreeProvider<T> implements vscode.TreeDataProvider<T>, vscode.Disposable {
  private target: vscode.TreeDataProvider<T> | undefined;
  private targetChanges: vscode.Disposable | undefined;
  private readonly changed = new vscode.EventEmitter<T | T[] | undefined | null | void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly viewId: string, private readonly loadBundle: LoadBundle) {}

  setTarget(target: vscode.TreeDataProvider<T>): void {
    this.target = target;
    this.targetChanges?.dispose();
    this.targetChanges = target.onDidChangeTreeData?.((e) => this.changed.fire(e));
    // Whatever the view showed before (nothing, or "loading") is out of date now.
    this.changed.fire();
  }

  private provider(): vscode.TreeDataProvider<T> {
    if (!this.target) this.loadBundle();
    if (!this.target) throw new Error(`Slurm Workbench could not load the ${this.viewId} view; see the "Slurm Workbench" output for why.`);
    return this.target;
  }

  getChildren(element?: T): vscode.ProviderResult<T[]> {
    return this.provider().getChildren(element);
  }

  getTreeItem(element: T): vscode.TreeItem | Thenable<vscode.TreeItem> {
    return this.provider().getTreeItem(element);
  }

  getParent(element: T): vscode.ProviderResult<T> {
    return this.provider().getParent?.(element);
  }

  resolveTreeItem(item: vscode.TreeItem, element: T, token: vscode.CancellationToken): vscode.ProviderResult<vscode.TreeItem> {
    const target = this.provider();
    return target.resolveTreeItem ? target.resolveTreeItem(item, element, token) : item;
  }

  dispose(): void {
    this.targetChanges?.dispose();
    this.changed.dispose();
  }
}

export class DeferredFileSystem implements vscode.FileSystemProvider, vscode.Disposable {
  private target: vscode.FileSystemProvider | undefined;
  private targetChanges: vscode.Disposable | undefined;
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;

  constructor(private readonly loadBundle: LoadBundle) {}

  setTarget(target: vscode.FileSystemProvider): void {
    this.target = target;
    this.targetChanges?.dispose();
    this.targetChanges = target.onDidChangeFile((e) => this.changed.fire(e));
  }

  private fs(): vscode.FileSystemProvider {
    if (!this.target) this.loadBundle();
    // VS Code shows this as the error of the file operation.
    if (!this.target) throw vscode.FileSystemError.Unavailable('Slurm Workbench could not load its remote files; see the "Slurm Workbench" output for why.');
    return this.target;
  }

  watch(uri: vscode.Uri, options: { readonly recursive: boolean; readonly excludes: readonly string[] }): vscode.Disposable {
    return this.fs().watch(uri, options);
  }

  stat(uri: vscode.Uri): vscode.FileStat | Thenable<vscode.FileStat> {
    return this.fs().stat(uri);
  }

  readDirectory(uri: vscode.Uri): [string, vscode.FileType][] | Thenable<[string, vscode.FileType][]> {
    return this.fs().readDirectory(uri);
  }

  createDirectory(uri: vscode.Uri): void | Thenable<void> {
    return this.fs().createDirectory(uri);
  }

  readFile(uri: vscode.Uri): Uint8Array | Thenable<Uint8Array> {
    return this.fs().readFile(uri);
  }

  writeFile(uri: vscode.Uri, content: Uint8Array, options: { readonly create: boolean; readonly overwrite: boolean }): void | Thenable<void> {
    return this.fs().writeFile(uri, content, options);
  }

  delete(uri: vscode.Uri, options: { readonly recursive: boolean }): void | Thenable<void> {
    return this.fs().delete(uri, options);
  }

  rename(oldUri: vscode.Uri, newUri: vscode.Uri, options: { readonly overwrite: boolean }): void | Thenable<void> {
    return this.fs().rename(oldUri, newUri, options);
  }

  dispose(): void {
    this.targetChanges?.dispose();
    this.changed.dispose();
  }
}
