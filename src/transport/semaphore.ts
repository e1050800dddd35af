/**
 * A counting semaphore with a FIFO queue. Bounds the channels open on one ssh connection below
 * sshd's MaxSessions (10 by default): work beyond the bound waits instead of failing with
 * "open failed".
 */
import { CancelledError } from '../core/errors';

export type Release = () => void;

interface Waiter {
  grant(release: Release): void;
  reject(err: Error): void;
}

export class Semaphore {
  private inUse = 0;
  private readonly queue: Waiter[] = [];

  constructor(private cap: number) {
    if (!Number.isInteger(cap) || cap < 1) throw new Error(`Semaphore capacity must be a positive integer, got ${cap}`);
  }

  get capacity(): number {
    return this.cap;
  }

  /**
   * Changes the bound (a server that allows fewer sessions than we assumed). Holders over a smaller
   * bound keep their slots; new grants wait until the count is below it.
   */
  resize(capacity: number): void {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`Semaphore capacity must be a positive integer, got ${capacity}`);
    this.cap = capacity;
    this.pump();
  }

  get active(): number {
    return this.inUse;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves with a release function (idempotent) once a slot is free. */
  acquire(signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(new CancelledError());
    if (this.inUse < this.cap && this.queue.length === 0) {
      this.inUse++;
      return Promise.resolve(this.makeRelease());
    }
    return new Promise<Release>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.queue.indexOf(waiter);
        if (i >= 0) this.queue.splice(i, 1);
        reject(new CancelledError());
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
        reject: (err) => {
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  /** Runs fn while holding a slot; the slot is released however fn ends. */
  async use<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(signal);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Fails every waiter (e.g. on dispose); holders keep their slots until they release. */
  rejectWaiters(err: Error): void {
    for (const w of this.queue.splice(0)) w.reject(err);
  }

  private makeRelease(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inUse--;
      this.pump();
    };
  }

  /** Grants queued waiters, first come first served, while slots are free. */
  private pump(): void {
    while (this.inUse < this.cap && this.queue.length > 0) {
      const next = this.queue.shift() as Waiter;
      this.inUse++;
      next.grant(this.makeRelease());
    }
  }
}
