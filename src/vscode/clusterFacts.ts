/**
 * Facts of a connected cluster for the #SBATCH language help (vscode/sbatchLanguage.ts, which lives in
 * the entry bundle): partitions and GRES from `sinfo`, QOS from `sacctmgr`, each cached for a while.
 * Only a session that is already connected is asked: opening a script never connects or prompts.
 */
import { errorMessage } from '../core/errors';
import { logger } from '../core/logger';
import type { ClusterSession } from '../session/clusterSession';
import { qosCall, runCall, sinfoCall, type ClusterInfo, type QosInfo } from '../slurm';
import { OnDemandSessionRegistry } from './onDemandRegistry';
import type { SbatchClusterFacts } from './sbatchLanguage';
import type { Services } from './services';

const CACHE_MS = 60_000;
const QOS_CACHE_MS = 5 * 60_000;

export class ClusterFacts implements SbatchClusterFacts {
  private cached: { at: number; info: ClusterInfo } | undefined;
  private inFlight: Promise<void> | undefined;
  private readonly qosByCluster = new Map<string, { at: number; qos: QosInfo[] | undefined }>();
  private readonly qosInFlight = new Map<string, Promise<QosInfo[] | undefined>>();
  constructor(private readonly services: Services, private readonly onUpdate: () => void) {}

  /** What we know now; refreshes in the background from a connected session. */
  current(): ClusterInfo | undefined {
    if (!this.cached || Date.now() - this.cached.at > CACHE_MS) this.refresh();
    return this.cached?.info;
  }

  /**
   * The QOS of the connected cluster, for `--qos=` values: asked the first time they are wanted
   * (the completion waits for it), then cached per cluster for a few minutes — QOS rarely change.
   */
  async qos(): Promise<QosInfo[] | undefined> {
    const session = this.connectedSession();
    if (!session) return undefined;
    const name = session.profileName;
    const entry = this.qosByCluster.get(name);
    if (entry && Date.now() - entry.at <= QOS_CACHE_MS) return entry.qos;
    let pending = this.qosInFlight.get(name);
    if (!pending) {
      pending = runCall(session.transport, qosCall(), { timeoutMs: this.services.commandTimeoutMs() })
        .then((qos): QosInfo[] | undefined => qos, (err: unknown) => {
          // No accounting (slurmdbd) means no QOS to offer: remembered too, not asked on every keystroke.
          logger.debug(`sacctmgr show qos for #SBATCH help failed on ${name}: ${errorMessage(err)}`);
          return undefined;
        })
        .then((qos) => {
          this.qosByCluster.set(name, { at: Date.now(), qos });
          return qos;
        })
        .finally(() => this.qosInFlight.delete(name));
      this.qosInFlight.set(name, pending);
    }
    return pending;
  }

  private connectedSession(): ClusterSession | undefined {
    // Only borrows a connection that exists: asking the on-demand registry for all() would start every session.
    const registry = this.services.registry;
    const sessions = registry instanceof OnDemandSessionRegistry ? registry.startedSessions() : registry.all();
    return sessions.find((s) => s.transport.state.kind === 'connected');
  }

  private refresh(): void {
    if (this.inFlight) return;
    const session = this.connectedSession();
    if (!session) return;
    this.inFlight = runCall(session.transport, sinfoCall(), { timeoutMs: this.services.commandTimeoutMs() })
      .then((info) => {
        this.cached = { at: Date.now(), info };
        this.onUpdate();
      }, (err: unknown) => logger.debug(`sinfo for #SBATCH help failed: ${errorMessage(err)}`))
      .finally(() => (this.inFlight = undefined));
  }
}
