/**
 * Every forwarded port of the window, with one owner: this registry. A forward is a local listener
 * (portListener.ts) tied to a job's node and port on one cluster. It closes when its job is no
 * longer running (the session's job list says so), when the cluster connection drops (say so, with
 * the reason; a new forward after reconnecting is one command away), on request, or on dispose.
 * VS Code-free: the VS Code layer lists, opens and closes through it.
 */
import { Disposable, Emitter, type Event, type IDisposable } from '../core/disposable';
import { UserFacingError, errorMessage } from '../core/errors';
import { logger } from '../core/logger';
import { runCall } from '../slurm/call';
import type { ConnectionState, Transport } from '../transport/types';
import { nodeAddressCall } from './nodeAddress';
import { PortListener } from './portListener';

/** What the registry needs of a cluster session (ClusterSession has it). */
export interface ForwardSession {
  readonly profileName: string;
  readonly transport: Transport;
  readonly snapshot: { readonly jobs: readonly { id: string; state: string }[]; readonly loading: boolean; readonly error?: string };
  readonly onDidChange: Event<unknown>;
}

export interface ForwardRequest {
  profileName: string;
  jobId: string;
  node: string;
  remotePort: number;
  /** 0 or undefined: any free port. */
  localPort?: number;
  /** When `localPort` is taken, take any free port instead of failing. */
  anyPortIfTaken?: boolean;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface ForwardInfo {
  readonly id: number;
  readonly profileName: string;
  readonly jobId: string;
  readonly node: string;
  /** The address the login node connects to (the node's NodeAddr, or its name). */
  readonly address: string;
  readonly remotePort: number;
  readonly localPort: number;
  readonly state: 'open' | 'closed';
  /** Why it closed (shown to the user). */
  readonly closedReason?: string;
  /** Connections carried right now. */
  readonly connections: number;
}

export interface ForwardClosed {
  forward: ForwardInfo;
  reason: string;
  /** True when the user closed it (nothing to announce). */
  byUser: boolean;
}

interface Entry {
  info: Omit<ForwardInfo, 'connections' | 'state' | 'closedReason'>;
  listener: PortListener;
}

const DROPPED: ReadonlySet<ConnectionState['kind']> = new Set(['reconnecting', 'failed', 'disconnected']);

export class ForwardRegistry extends Disposable {
  private readonly entries = new Map<number, Entry>();
  private readonly watchers = new Map<string, IDisposable[]>();
  private nextId = 1;
  private readonly onDidCloseEmitter = this._register(new Emitter<ForwardClosed>());
  /** A forward closed, with why. */
  readonly onDidClose = this.onDidCloseEmitter.event;
  private readonly onDidChangeEmitter = this._register(new Emitter<void>());
  /** A forward opened or closed. */
  readonly onDidChange = this.onDidChangeEmitter.event;

  constructor(private readonly sessionOf: (profileName: string) => ForwardSession | undefined) {
    super();
  }

  list(): ForwardInfo[] {
    return [...this.entries.values()].map((e) => this.infoOf(e));
  }

  /** The open forward to this job's node and port, if any. */
  find(profileName: string, jobId: string, node: string, remotePort: number): ForwardInfo | undefined {
    const e = [...this.entries.values()].find((x) => x.info.profileName === profileName && x.info.jobId === jobId && x.info.node === node && x.info.remotePort === remotePort);
    return e ? this.infoOf(e) : undefined;
  }

  /** Opens a forward (or returns the open one to the same job, node and port). */
  async open(request: ForwardRequest): Promise<ForwardInfo> {
    const existing = this.find(request.profileName, request.jobId, request.node, request.remotePort);
    if (existing) return existing;
    const session = this.sessionOf(request.profileName);
    if (!session) throw new UserFacingError(`The cluster profile "${request.profileName}" is not configured.`, 'Check slurm.profiles in the settings.');
    const transport = session.transport;
    const openTcp = transport.openTcp?.bind(transport);
    if (!openTcp) throw new UserFacingError(`The connection to ${request.profileName} cannot forward ports.`, 'Use an ssh or local cluster profile.');
    const job = session.snapshot.jobs.find((j) => j.id === request.jobId);
    if (job && job.state !== 'RUNNING') {
      throw new UserFacingError(`Job ${request.jobId} is ${job.state}, not running: there is nothing to forward to.`, 'Forward a port from a running job.');
    }
    const address = await runCall(transport, nodeAddressCall(request.node), { signal: request.signal, timeoutMs: request.timeoutMs });
    const connect = () => openTcp(address, request.remotePort, { timeoutMs: request.timeoutMs });
    const onConnectionError = (err: unknown) => logger.warn(`[${request.profileName}] forward to ${request.node}:${request.remotePort}: ${errorMessage(err)}`);
    let listener: PortListener;
    try {
      listener = await PortListener.start({ localPort: request.localPort, connect, onConnectionError });
    } catch (err) {
      if (!request.anyPortIfTaken || !request.localPort) throw err;
      listener = await PortListener.start({ localPort: 0, connect, onConnectionError });
    }
    const entry: Entry = {
      info: { id: this.nextId++, profileName: request.profileName, jobId: request.jobId, node: request.node, address, remotePort: request.remotePort, localPort: listener.port },
      listener,
    };
    if (this.isDisposed) {
      listener.close();
      throw new UserFacingError('Port forwarding was shut down.', 'Reload the window.');
    }
    this.entries.set(entry.info.id, entry);
    this.watch(session);
    logger.info(`[${request.profileName}] forwarding 127.0.0.1:${listener.port} -> job ${request.jobId} ${request.node}:${request.remotePort} (${address})`);
    this.onDidChangeEmitter.fire();
    return this.infoOf(entry);
  }

  close(id: number, reason = 'closed', byUser = true): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    entry.listener.close();
    const info: ForwardInfo = { ...this.infoOf(entry), state: 'closed', closedReason: reason, connections: 0 };
    logger.info(`[${info.profileName}] forward 127.0.0.1:${info.localPort} -> ${info.node}:${info.remotePort} closed: ${reason}`);
    this.unwatchIfIdle(info.profileName);
    this.onDidCloseEmitter.fire({ forward: info, reason, byUser });
    this.onDidChangeEmitter.fire();
  }

  override dispose(): void {
    for (const id of [...this.entries.keys()]) this.close(id, 'Slurm Workbench shut down', true);
    for (const subs of this.watchers.values()) subs.forEach((s) => s.dispose());
    this.watchers.clear();
    super.dispose();
  }

  private infoOf(e: Entry): ForwardInfo {
    return { ...e.info, state: 'open', connections: e.listener.connections };
  }

  private ofProfile(profileName: string): Entry[] {
    return [...this.entries.values()].filter((e) => e.info.profileName === profileName);
  }

  /** One subscription per cluster while it has forwards: its job list and its connection. */
  private watch(session: ForwardSession): void {
    if (this.watchers.has(session.profileName)) return;
    const name = session.profileName;
    this.watchers.set(name, [
      session.onDidChange(() => this.checkJobs(session)),
      session.transport.onDidChangeState((state) => {
        if (!DROPPED.has(state.kind)) return;
        const why = 'lastError' in state ? state.lastError : 'error' in state ? state.error : 'disconnected';
        for (const e of this.ofProfile(name)) this.close(e.info.id, `the connection to ${name} was lost (${why})`, false);
      }),
    ]);
  }

  private unwatchIfIdle(profileName: string): void {
    if (this.ofProfile(profileName).length > 0) return;
    this.watchers.get(profileName)?.forEach((s) => s.dispose());
    this.watchers.delete(profileName);
  }

  private checkJobs(session: ForwardSession): void {
    const snap = session.snapshot;
    if (snap.loading || snap.error !== undefined) return; // a failed poll says nothing about the job
    for (const e of this.ofProfile(session.profileName)) {
      const job = snap.jobs.find((j) => j.id === e.info.jobId);
      if (job?.state === 'RUNNING') continue;
      this.close(e.info.id, job ? `job ${e.info.jobId} is ${job.state}` : `job ${e.info.jobId} has left the queue`, false);
    }
  }
}
