/**
 * The `slurm://<profile>/<path>` file system in VS Code: a FileSystemProvider over the profile's
 * transport (its session connects on demand), built on src/remoteFs. A save over a file that
 * changed on the cluster since it was read asks "Overwrite" / "Cancel" (Cancel is the default);
 * watching is a slow stat poll that runs only while VS Code holds the watch. Deleting needs no
 * prompt here: the Explorer confirms it (explorer.confirmDelete) before it calls us.
 */
import * as vscode from 'vscode';
import { errorMessage } from '../core/errors';
import { logger } from '../core/logger';
import { ConflictError } from '../remoteFs/conflict';
import type { ConflictAnswer, RemoteFilesApi } from '../remoteFs/remoteFilesApi';
import { RemoteFiles, RemoteFsError } from '../remoteFs/remoteFiles';
import type { RemoteFilesSettings } from '../remoteFs/remoteFilesSettings';
import { sectionOf } from '../config/settings';
import { locationOfUri, profileForAuthority, type RemoteLocation } from '../remoteFs/slurmUri';
import { startStatPoll } from '../remoteFs/statPoll';
import type { Services } from './services';

function toFileSystemError(err: unknown, uri: vscode.Uri): unknown {
  if (err instanceof vscode.FileSystemError) return err;
  if (err instanceof RemoteFsError) {
    const message = `${err.message}${err.hint ? ` ${err.hint}` : ''}`;
    switch (err.kind) {
      case 'FileNotFound':
        return vscode.FileSystemError.FileNotFound(uri);
      case 'FileExists':
        return vscode.FileSystemError.FileExists(uri);
      case 'FileNotADirectory':
        return vscode.FileSystemError.FileNotADirectory(uri);
      case 'FileIsADirectory':
        return vscode.FileSystemError.FileIsADirectory(uri);
      case 'NoPermissions':
        return vscode.FileSystemError.NoPermissions(message);
      default:
        return vscode.FileSystemError.Unavailable(message);
    }
  }
  return vscode.FileSystemError.Unavailable(errorMessage(err));
}

export class SlurmFileSystemProvider implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly changes = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changes.event;
  readonly files: RemoteFiles;
  private answer: ConflictAnswer | undefined;
  private readonly asked: string[] = [];

  constructor(
    services: Services,
    private readonly settings: () => RemoteFilesSettings,
  ) {
    this.files = new RemoteFiles({
      transportFor: (authority) => {
        const sessions = services.registry.all();
        const name = profileForAuthority(authority, sessions.map((s) => s.profileName));
        return sessions.find((s) => s.profileName === name)?.transport;
      },
      timeoutMs: () => services.commandTimeoutMs(),
      maxReadBytes: () => this.settings().maxFileSizeMB * 1024 * 1024,
    });
  }

  readonly api: RemoteFilesApi = {
    answerConflicts: (answer) => void (this.answer = answer),
    conflicts: () => [...this.asked],
  };

  dispose(): void {
    this.changes.dispose();
  }

  private async call<T>(uri: vscode.Uri, fn: (loc: RemoteLocation) => Promise<T>): Promise<T> {
    try {
      return await fn(locationOfUri(uri));
    } catch (err) {
      throw toFileSystemError(err, uri);
    }
  }

  watch(uri: vscode.Uri): vscode.Disposable {
    const loc = locationOfUri(uri);
    const poll = startStatPoll({
      intervalMs: () => this.settings().watchIntervalSeconds * 1000,
      observe: async (signal) => {
        const stat = await this.files.stat(loc, signal).catch((err: unknown) => {
          if (err instanceof RemoteFsError && err.kind === 'FileNotFound') return undefined;
          throw err;
        });
        return { stat, entries: stat?.type === 'dir' ? await this.files.readDirectory(loc, signal) : undefined };
      },
      onChanges: (list) =>
        this.changes.fire(
          list.map((c) => ({
            uri: c.name === undefined ? uri : vscode.Uri.joinPath(uri, c.name),
            type: c.type === 'created' ? vscode.FileChangeType.Created : c.type === 'deleted' ? vscode.FileChangeType.Deleted : vscode.FileChangeType.Changed,
          })),
        ),
      onError: (err) => logger.debug(`[remote files] watching ${uri.toString(true)}: ${errorMessage(err)}`),
    });
    return new vscode.Disposable(() => poll.dispose());
  }

  stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    return this.call(uri, async (loc) => {
      const st = await this.files.stat(loc);
      return { type: st.type === 'dir' ? vscode.FileType.Directory : vscode.FileType.File, ctime: st.mtimeMs, mtime: st.mtimeMs, size: st.size };
    });
  }

  readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    return this.call(uri, async (loc) =>
      (await this.files.readDirectory(loc)).map((e): [string, vscode.FileType] => {
        const target = e.type === 'symlink' ? e.targetType : e.type;
        const base = target === 'dir' ? vscode.FileType.Directory : target === 'file' ? vscode.FileType.File : vscode.FileType.Unknown;
        return [e.name, e.type === 'symlink' ? base | vscode.FileType.SymbolicLink : base];
      }),
    );
  }

  createDirectory(uri: vscode.Uri): Promise<void> {
    return this.call(uri, (loc) => this.files.createDirectory(loc));
  }

  readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return this.call(uri, (loc) => this.files.readFile(loc));
  }

  writeFile(uri: vscode.Uri, content: Uint8Array, options: { create: boolean; overwrite: boolean }): Promise<void> {
    return this.call(uri, async (loc) => {
      try {
        await this.files.writeFile(loc, content, options);
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
        if ((await this.askOverwrite(err)) !== 'Overwrite') throw vscode.FileSystemError.NoPermissions(`Not saved: ${err.message} Reopen the file to see the cluster's version, or save again and choose Overwrite.`);
        await this.files.writeFile(loc, content, { ...options, force: true });
      }
    });
  }

  private async askOverwrite(err: ConflictError): Promise<ConflictAnswer | undefined> {
    this.asked.push(err.message);
    logger.warn(`[remote files] ${err.message}`);
    if (this.answer) return this.answer;
    // Modal: the save waits for the answer; closing the dialog is Cancel, the safe default.
    return vscode.window.showWarningMessage(err.message, { modal: true, detail: 'Overwrite replaces the file on the cluster with your version. Cancel keeps theirs; your edits stay in the editor.' }, 'Overwrite');
  }

  delete(uri: vscode.Uri, options: { recursive: boolean }): Promise<void> {
    return this.call(uri, (loc) => this.files.delete(loc, options.recursive));
  }

  rename(oldUri: vscode.Uri, newUri: vscode.Uri, options: { overwrite: boolean }): Promise<void> {
    return this.call(oldUri, async (from) => {
      const to = locationOfUri(newUri);
      await this.files.rename(from, to, options.overwrite);
    });
  }
}

/** Serves `slurm:` (the entry registered the scheme; Open Job Folder is in commands/index.ts); settings are re-read when they change. */
export function registerRemoteFiles(services: Services): RemoteFilesApi {
  const provider = new SlurmFileSystemProvider(services, () => sectionOf(services.settings(), 'remoteFiles'));
  services.context.subscriptions.push(provider);
  services.entry.fileSystem(provider);
  return provider.api;
}
