/**
 * What `activate()` returns: a small, read-mostly API for other extensions and for our own tests
 * inside VS Code (they check the Jobs view's model against the real cluster through it). It sits on the
 * entry floor, next to extension.ts, because it aggregates the features' APIs (ARCHITECTURE.md).
 */
import type { ForwardsApi } from './forward/forwardsApi';
import type { LogsApi } from './logs/logsApi';
import type { RemoteFilesApi } from './remoteFs/remoteFilesApi';
import type { ClusterSnapshot } from './session/clusterSession';
import type { RenderedTreeItem } from './views/renderTree';

export type { RenderedTreeItem };

export interface SlurmWorkbenchApi {
  /** The current snapshot of every configured cluster, in display order. */
  snapshots(): ClusterSnapshot[];
  /** Polls every cluster now and resolves when done. */
  refresh(): Promise<void>;
  /** The Jobs view as rendered (label, description, contextValue per item, depth-first), for tests. */
  jobsTreeItems?(): Promise<RenderedTreeItem[]>;
  /** The Slurm status bar item's text as shown (e.g. `$(server) 1 R · 0 PD`), for tests. */
  statusBarText?(): string;
  /** Followed job logs and their channels. */
  logs?: LogsApi;
  /** Forwarded ports. */
  forwards?: ForwardsApi;
  /** Terminals this window opened (login node, jobs): name, what they showed, whether still open. */
  terminals?: { list(): { name: string; output: string; open: boolean }[] };
  /** slurm:// files: save conflicts asked about, and scripted answers for tests. */
  remoteFiles?: RemoteFilesApi;
}
