/**
 * The live-logs feature: follow a job's logs into output channels, open a log read-only, stop
 * following. Owns the follower registry, one job-status watcher per cluster connection, the
 * channels and the `slurm-log:` document provider; commands (src/commands) stay thin.
 */
import * as vscode from 'vscode';
import { UserFacingError } from '../core/errors';
import { FollowerRegistry } from '../logs/followerRegistry';
import { JobLogFollower } from '../logs/jobLogFollower';
import { JobStatusWatcher, slurmJobStatusLookup } from '../logs/jobStatus';
import { TailMux } from '../logs/tailMux';
import type { LogSettings } from '../logs/logSettings';
import { sectionOf } from '../config/settings';
import type { LogsApi } from '../logs/logsApi';
import { resolveTargets, targetFromRow, type ResolvedTarget } from '../logs/logTargets';
import { clusterContext } from '../session/slurmJobLister';
import type { Transport } from '../transport/types';
import { JobLogChannels } from './logChannels';
import { LOG_SCHEME, LogDocumentProvider } from './logDocuments';
import { pickTasks, type JobRef } from './logJobPicker';
import type { Services } from './services';

export class LogsController implements vscode.Disposable {
  readonly registry: FollowerRegistry;
  readonly channels: JobLogChannels;
  readonly documents: LogDocumentProvider;
  /** Per cluster connection: one job-status watcher and one tail multiplexer shared by all its followers. */
  private readonly perCluster = new Map<string, { transport: Transport; watcher: JobStatusWatcher; tails: TailMux }>();
  /** Read at first use (validation loads zod, which activation does not need). */
  private currentSettings: LogSettings | undefined;
  private get current(): LogSettings {
    return (this.currentSettings ??= this.readSettings());
  }
  /** "$(output) 3 logs" while logs are followed; a click offers to stop them (output channels have no close button). */
  private readonly followingItem = vscode.window.createStatusBarItem('slurm.logs.following', vscode.StatusBarAlignment.Left, 49);

  constructor(private readonly services: Services) {
    this.registry = new FollowerRegistry(() => this.current.maxFollowed);
    this.channels = new JobLogChannels({
      isFollowed: (profileName, jobId) => this.registry.all().some((f) => f.target.profileName === profileName && f.target.jobId === jobId),
      maxFinished: () => this.current.maxFinishedChannels,
    });
    this.documents = new LogDocumentProvider({
      transport: (name) => services.registry.get(name)?.transport,
      readOptions: () => ({ ...this.readOptions(), timeoutMs: this.timeoutMs() }),
    });
    // The Jobs view's poll saw a followed job start or end: tell its status watcher now rather
    // than at the watcher's next (possibly backed-off) check.
    services.registry.onDidJobEvents(({ cluster, events }) => {
      const watcher = this.perCluster.get(cluster)?.watcher;
      if (!watcher) return;
      const watched = new Set(watcher.watchedIds);
      if (events.some((e) => e.kind !== 'added' && watched.has(e.job.id))) watcher.pollSoon();
    });
    this.followingItem.name = 'Slurm Followed Logs';
    this.followingItem.command = 'slurm.stopFollowingLog';
    this.registry.onDidChange(() => {
      void vscode.commands.executeCommand('setContext', 'slurm.logs.followingCount', this.registry.size);
      // The walkthrough's "Watch its log" step ticks on this.
      void vscode.commands.executeCommand('setContext', 'slurm.logs.following', this.registry.size > 0);
      this.renderFollowingItem();
      // The Jobs view's items offer Follow or Stop Following by this.
      services.jobsTree.refreshMarks();
      this.channels.prune();
    });
  }

  get settings(): LogSettings {
    return this.current;
  }

  reloadSettings(): void {
    this.currentSettings = this.readSettings();
  }

  /** The files of a job reference: the row's resolved paths, or the Slurm layer's for the id. */
  async targetsOf(ref: JobRef, allowAll: boolean): Promise<ResolvedTarget[] | undefined> {
    const fromRow = ref.row ? targetFromRow(ref.profileName, ref.row) : undefined;
    if (fromRow) return [fromRow];
    const session = this.session(ref.profileName);
    const resolved = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Slurm: finding the logs of ${ref.jobId}` },
      async () => {
        const ctx = await clusterContext(session.transport, { timeoutMs: this.timeoutMs() });
        return resolveTargets(session.transport, ctx, ref.profileName, ref.jobId, { timeoutMs: this.timeoutMs() });
      },
    );
    if (resolved.length === 1) return resolved;
    return pickTasks(ref.jobId, resolved, allowAll);
  }

  /** Starts following (or shows the running follower of) each target. */
  follow(targets: readonly ResolvedTarget[]): string[] {
    const fresh = targets.filter((t) => !this.registry.get(t.profileName, t.jobId));
    this.registry.assertRoom(fresh.length);
    const names: string[] = [];
    for (const target of targets) {
      const session = this.session(target.profileName);
      const { follower, existing } = this.registry.add(target.profileName, target.jobId, () => {
        const sink = this.channels.sinkFor(target, this.current.stderr === 'separateChannel');
        if (target.guessed) sink.notice(`Slurm no longer reports this job's log paths; assuming Slurm's default name ${target.stdoutPath}.`);
        const shared = this.sharedFor(target.profileName, session.transport);
        return new JobLogFollower(session.transport, shared.watcher, target, sink, {
          tails: shared.tails,
          tailLines: this.current.tailLines,
          bigFileBytes: this.current.bigFileKb * 1024,
          probeTimeoutMs: this.timeoutMs(),
        });
      });
      if (!existing) follower.start();
      names.push(...this.channels.names().filter((n) => n.startsWith(`Slurm ${target.jobId} `)));
    }
    if (targets[0]) this.channels.show(targets[0]);
    return names;
  }

  async openLog(target: ResolvedTarget, stream: 'stdout' | 'stderr'): Promise<void> {
    const path = stream === 'stdout' ? target.stdoutPath : target.stderrPath;
    if (stream === 'stderr' && target.stderrPath === target.stdoutPath) {
      void vscode.window.showInformationMessage(`Job ${target.jobId} writes stderr into the same file as stdout (${path}).`);
    }
    const uri = LogDocumentProvider.uri(target.profileName, target.jobId, stream, path);
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Reading ${path}…`, cancellable: true }, async (_p, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        await this.documents.load(uri, abort.signal);
      } finally {
        sub.dispose();
      }
    });
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'log');
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  private renderFollowingItem(): void {
    const followed = this.registry.all();
    if (followed.length === 0) {
      this.followingItem.hide();
      return;
    }
    this.followingItem.text = `$(output) ${followed.length} log${followed.length === 1 ? '' : 's'}`;
    const lines = followed.map((f) => `${f.target.jobId} ${f.target.jobName} (${f.target.profileName}): ${f.state}`);
    this.followingItem.tooltip = `Following:\n${lines.join('\n')}\n\nClick to stop following.`;
    this.followingItem.show();
  }

  readOptions(): { tailLines: number; bigFileBytes: number } {
    return { tailLines: this.current.tailLines, bigFileBytes: this.current.bigFileKb * 1024 };
  }

  dispose(): void {
    void this.registry.stopAll('Stopped following (extension shutting down).');
    for (const shared of this.perCluster.values()) {
      shared.watcher.dispose();
      shared.tails.dispose();
    }
    this.perCluster.clear();
    this.channels.dispose();
    this.documents.dispose();
    this.followingItem.dispose();
  }

  private session(profileName: string) {
    const session = this.services.registry.get(profileName);
    if (!session) throw new UserFacingError(`The cluster profile "${profileName}" is not configured.`, 'Check slurm.profiles in the settings.');
    return session;
  }

  /** One status watcher and one tail multiplexer per connection; a recreated session (new transport) gets new ones. */
  private sharedFor(profileName: string, transport: Transport): { watcher: JobStatusWatcher; tails: TailMux } {
    const known = this.perCluster.get(profileName);
    if (known && known.transport === transport) return known;
    known?.watcher.dispose();
    known?.tails.dispose();
    const lookup = slurmJobStatusLookup(transport, (signal) => clusterContext(transport, { signal, timeoutMs: this.timeoutMs() }), { timeoutMs: this.timeoutMs() });
    const shared = { transport, watcher: new JobStatusWatcher(lookup, 2_000), tails: new TailMux(transport) };
    this.perCluster.set(profileName, shared);
    return shared;
  }

  private timeoutMs(): number {
    return this.services.commandTimeoutMs();
  }

  private readSettings(): LogSettings {
    return sectionOf(this.services.settings(), 'logs');
  }
}

/**
 * The logs feature: its controller, the log documents' provider and the settings listener. Its
 * commands (Follow Log, Open Stdout/Stderr, Stop Following) are in the one command list
 * (commands/index.ts), which gets the controller from here.
 */
export function registerLogs(services: Services): { logs: LogsController; api: LogsApi } {
  const logs = new LogsController(services);
  const { context } = services;
  context.subscriptions.push(
    logs,
    vscode.workspace.registerTextDocumentContentProvider(LOG_SCHEME, logs.documents),
    services.configuration.onDidChange((e) => {
      if (e.affects('logs')) logs.reloadSettings();
    }),
  );
  const api: LogsApi = {
    follow: async (profileName, jobId) => {
      const targets = await logs.targetsOf({ profileName, jobId, isArray: false, row: services.registry.get(profileName)?.snapshot.jobs.find((j) => j.id === jobId) }, true);
      return targets ? logs.follow(targets) : [];
    },
    channelText: (profileName, jobId) => logs.channels.text(profileName, jobId),
    followed: () => logs.registry.all().map((f) => ({ profileName: f.target.profileName, jobId: f.target.jobId, state: f.state })),
    stopAll: () => logs.registry.stopAll(),
  };
  return { logs, api };
}
