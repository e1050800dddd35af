/**
 * Keeps one ClusterSession per configured profile. When settings change, sessions whose profile is
 * unchanged are kept (their connection and jobs survive); changed or removed ones are disposed.
 * VS Code-free.
 */
import { Disposable, Emitter } from '../core/disposable';
import type { ClusterSession, ClusterChange, ClusterSessionOptions } from './clusterSession';
import type { JobEvent } from './jobTracker';

export interface SessionSpec {
  name: string;
  /** Stable fingerprint of everything that affects the connection; a change recreates the session. */
  key: string;
  create(): ClusterSession;
}

export class SessionRegistry extends Disposable {
  private readonly sessions = new Map<string, { key: string; session: ClusterSession; sub: { dispose(): void } }>();
  private readonly onDidChangeEmitter = this._register(new Emitter<ClusterChange | undefined>());
  /** Fires with a change of one session, or undefined when the set of sessions changed. */
  readonly onDidChange = this.onDidChangeEmitter.event;
  private readonly onDidJobEventsEmitter = this._register(new Emitter<{ cluster: string; events: JobEvent[] }>());
  /** Job events (added, state changed, finished) of every session. */
  readonly onDidJobEvents = this.onDidJobEventsEmitter.event;
  private visible = false;
  private focused = true;

  all(): ClusterSession[] {
    return [...this.sessions.values()].map((s) => s.session);
  }

  get(name: string): ClusterSession | undefined {
    return this.sessions.get(name)?.session;
  }

  /** Applies a new list of profiles. Order of `specs` is the display order. */
  apply(specs: readonly SessionSpec[], optionsOf: (name: string) => ClusterSessionOptions): void {
    const wanted = new Map(specs.map((s) => [s.name, s]));
    for (const [name, entry] of this.sessions) {
      const spec = wanted.get(name);
      if (!spec || spec.key !== entry.key) {
        entry.sub.dispose();
        entry.session.dispose();
        this.sessions.delete(name);
      }
    }
    const ordered = new Map<string, { key: string; session: ClusterSession; sub: { dispose(): void } }>();
    for (const spec of specs) {
      let entry = this.sessions.get(spec.name);
      if (!entry) {
        const session = spec.create();
        const subs = [
          session.onDidChange((c) => this.onDidChangeEmitter.fire(c)),
          session.onDidJobEvents((events) => this.onDidJobEventsEmitter.fire({ cluster: spec.name, events })),
        ];
        const sub = { dispose: () => subs.forEach((d) => d.dispose()) };
        entry = { key: spec.key, session, sub };
        session.setVisible(this.visible);
        session.setFocused(this.focused);
        session.start();
      } else {
        entry.session.setOptions(optionsOf(spec.name));
      }
      ordered.set(spec.name, entry);
    }
    this.sessions.clear();
    for (const [k, v] of ordered) this.sessions.set(k, v);
    this.onDidChangeEmitter.fire(undefined);
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    for (const s of this.all()) s.setVisible(visible);
  }

  setFocused(focused: boolean): void {
    this.focused = focused;
    for (const s of this.all()) s.setFocused(focused);
  }

  refreshAll(): Promise<unknown> {
    return Promise.all(this.all().map((s) => s.refresh('manual')));
  }

  override dispose(): void {
    for (const entry of this.sessions.values()) {
      entry.sub.dispose();
      entry.session.dispose();
    }
    this.sessions.clear();
    super.dispose();
  }
}
