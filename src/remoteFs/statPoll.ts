/**
 * Watching a remote file or folder by a slow stat poll: a self-rescheduling timeout (one check in
 * flight, never overlapping), running only while someone watches. A folder's check also lists it,
 * so entries added or removed there are reported by name. Non-recursive on purpose: polling a
 * whole tree over ssh would cost a listing per folder per round.
 */
import type { IDisposable } from '../core/disposable';
import type { DirEntry } from '../transport/types';
import type { RemoteStat } from './remoteFiles';

export type WatchChange = { type: 'changed' | 'created' | 'deleted'; name?: string };

/** What the watched path looks like now: undefined when gone; entries only for a folder. */
export interface Observed {
  stat: RemoteStat | undefined;
  entries?: DirEntry[];
}

function entrySignature(e: DirEntry): string {
  return `${e.type}:${e.size}:${Math.floor(e.mtimeMs / 1000)}`;
}

/** The changes between two observations of one path: the path itself (no name) and its entries (by name). */
export function diffObserved(before: Observed, after: Observed): WatchChange[] {
  const out: WatchChange[] = [];
  if (before.stat && !after.stat) return [{ type: 'deleted' }];
  if (!before.stat && after.stat) out.push({ type: 'created' });
  else if (before.stat && after.stat && (before.stat.size !== after.stat.size || Math.floor(before.stat.mtimeMs / 1000) !== Math.floor(after.stat.mtimeMs / 1000) || before.stat.type !== after.stat.type)) {
    out.push({ type: 'changed' });
  }
  if (before.entries && after.entries) {
    const old = new Map(before.entries.map((e) => [e.name, entrySignature(e)]));
    const now = new Map(after.entries.map((e) => [e.name, entrySignature(e)]));
    for (const [name, sig] of now) {
      const was = old.get(name);
      if (was === undefined) out.push({ type: 'created', name });
      else if (was !== sig) out.push({ type: 'changed', name });
    }
    for (const name of old.keys()) if (!now.has(name)) out.push({ type: 'deleted', name });
  }
  return out;
}

export interface StatPollOptions {
  intervalMs(): number;
  observe(signal: AbortSignal): Promise<Observed>;
  onChanges(changes: WatchChange[]): void;
  /** A failed check (connection down, timeout) is skipped; the next round tries again. */
  onError?(err: unknown): void;
  setTimer?: (fn: () => void, ms: number) => { cancel(): void };
}

const defaultTimer = (fn: () => void, ms: number) => {
  const t = setTimeout(fn, ms);
  t.unref?.();
  return { cancel: () => clearTimeout(t) };
};

/** Starts polling; disposing stops it (a check in flight is aborted). */
export function startStatPoll(options: StatPollOptions): IDisposable {
  const setTimer = options.setTimer ?? defaultTimer;
  let last: Observed | undefined;
  let timer: { cancel(): void } | undefined;
  let inFlight: AbortController | undefined;
  let disposed = false;
  const round = async (): Promise<void> => {
    inFlight = new AbortController();
    try {
      const now = await options.observe(inFlight.signal);
      if (disposed) return;
      if (last) {
        const changes = diffObserved(last, now);
        if (changes.length > 0) options.onChanges(changes);
      }
      last = now;
    } catch (err) {
      if (!disposed) options.onError?.(err);
    } finally {
      inFlight = undefined;
      if (!disposed) timer = setTimer(() => void round(), options.intervalMs());
    }
  };
  void round();
  return {
    dispose: () => {
      disposed = true;
      timer?.cancel();
      inFlight?.abort();
    },
  };
}
