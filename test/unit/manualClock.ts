// A clock for the poller whose timers fire only when a test advances time (poller and busy-cluster tests).
import type { Clock } from '../../src/poller/poller';

/** A manual clock: timers fire only when the test advances time. */
export class ManualClock implements Clock {
  private t = 0;
  private seq = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  now(): number { return this.t; }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(h: unknown): void { this.timers.delete(h as number); }
  pendingDelays(): number[] { return [...this.timers.values()].map((x) => x.at - this.t).sort((a, b) => a - b); }
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      const next = [...this.timers.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next || next[1].at > end) break;
      this.t = next[1].at;
      this.timers.delete(next[0]);
      next[1].fn();
      await flush();
    }
    this.t = end;
    await flush();
  }
}
export const flush = async (): Promise<void> => { for (let i = 0; i < 10; i++) await Promise.resolve(); };
