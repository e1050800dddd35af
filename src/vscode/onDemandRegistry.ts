/**
 * The session registry as activation hands it out: profiles become sessions — which connect and
 * poll — only on first use, not when the extension activates. The extension also activates when a
 * shell or Python file is opened (for `#SBATCH` help); that alone must not log in to any cluster.
 *
 * "Use" is whatever asks the registry for its sessions once activation is done: the Jobs view
 * rendering (it became visible), a command (refresh, submit, follow, connect, …), the API. Calls
 * during activation (features wiring themselves up) do not count. `startedSessions()` is for
 * passive readers such as the `#SBATCH` help, which only borrows a connection that already exists.
 */
import type { ClusterSession } from '../session/clusterSession';
import { SessionRegistry } from '../session/sessionRegistry';

export class OnDemandSessionRegistry extends SessionRegistry {
  private startSessions: (() => void) | undefined;
  private armed = false;
  private started = false;

  /**
   * `start` turns the profiles into sessions (registry.apply); it runs once, at the first use after
   * `arm()`. Returns a function that starts them now.
   */
  constructor(start: () => void) {
    super();
    this.startSessions = start;
  }

  /** Activation is done: from now on the first use starts the sessions. */
  arm(): void {
    this.armed = true;
  }

  /** Whether the sessions have been started (profiles applied). */
  get isStarted(): boolean {
    return this.started;
  }

  /** Starts the sessions now, if not yet started. */
  startNow(): void {
    if (this.started) return;
    this.started = true;
    const start = this.startSessions;
    this.startSessions = undefined;
    start?.();
  }

  /** The sessions that exist, without starting any. */
  startedSessions(): ClusterSession[] {
    return super.all();
  }

  override all(): ClusterSession[] {
    this.onUse();
    return super.all();
  }

  override get(name: string): ClusterSession | undefined {
    this.onUse();
    return super.get(name);
  }

  override refreshAll(): Promise<unknown> {
    this.onUse();
    return super.refreshAll();
  }

  private onUse(): void {
    if (this.armed) this.startNow();
  }
}
