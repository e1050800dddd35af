/**
 * A self-rescheduling poller (never setInterval): one poll in flight at a time, the next one
 * scheduled only after the previous ended. Manual refreshes run at once (joining a running poll
 * plus one trailing rerun); other triggers are debounced. The interval stretches when nobody is
 * looking (no visible view / unfocused window) and backs off exponentially after errors — which
 * focus and visibility changes respect, so a busy slurmctld sees no storm of retries.
 * VS Code-free: the shell feeds it visibility and focus.
 */
import { Disposable, Emitter, toDisposable } from '../core/disposable';
import { SingleFlight } from '../core/singleFlight';

export type RefreshReason = 'start' | 'timer' | 'manual' | 'focus' | 'visible' | 'config' | 'action' | 'submit';

export interface PollerTiming {
  /** Base interval while a view is visible and the window focused. */
  intervalMs: number;
  /** Multiplier when the window is unfocused or no view is visible. */
  idleFactor: number;
  /** Debounce for non-manual triggers. */
  debounceMs: number;
  /** Backoff after consecutive errors: min(maxBackoffMs, intervalMs * 2^errors). */
  maxBackoffMs: number;
}

export const DEFAULT_TIMING: PollerTiming = {
  intervalMs: 15_000,
  idleFactor: 4,
  debounceMs: 300,
  maxBackoffMs: 5 * 60_000,
};

/** Injected clock so the scheduling logic is unit-testable without real time. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export type PollOutcome<T> =
  | { ok: true; value: T; reason: RefreshReason; at: number }
  | { ok: false; error: unknown; reason: RefreshReason; at: number; consecutiveErrors: number };

export class Poller<T> extends Disposable {
  private readonly flight: SingleFlight<void>;
  private readonly onDidPollEmitter = this._register(new Emitter<PollOutcome<T>>());
  readonly onDidPoll = this.onDidPollEmitter.event;

  private timer: unknown;
  private debounceTimer: unknown;
  private running = false;
  private visible = true;
  private focused = true;
  private consecutiveErrors = 0;
  private lastSuccessAt = 0;
  private pendingReason: RefreshReason = 'timer';
  private abort: AbortController | undefined;
  /** At most this delay while the user waits on a change they made (see session/freshness.ts). */
  private hurryMs: number | undefined;

  constructor(
    private readonly pollOnce: (signal: AbortSignal, reason: RefreshReason) => Promise<T>,
    private timing: PollerTiming = DEFAULT_TIMING,
    private readonly clock: Clock = realClock,
  ) {
    super();
    this.flight = new SingleFlight(() => this.doPoll());
    this._register(
      toDisposable(() => {
        this.running = false;
        this.clearTimers();
        this.abort?.abort();
      }),
    );
  }

  start(): void {
    if (this.running || this.isDisposed) return;
    this.running = true;
    // The poll reports its own errors (onError, backoff); nothing here waits for it.
    void this.trigger('start', true);
  }

  stop(): void {
    this.running = false;
    this.clearTimers();
  }

  get isRunning(): boolean {
    return this.running;
  }

  get errors(): number {
    return this.consecutiveErrors;
  }

  setTiming(timing: PollerTiming): void {
    this.timing = timing;
    if (this.running && !this.flight.running) this.schedule();
  }

  /**
   * The user waits on a change they made: poll at most every `ms` (visible or not), or back to the
   * normal cadence with undefined. Errors still back off as usual.
   */
  setHurry(ms: number | undefined): void {
    if (ms === this.hurryMs) return;
    this.hurryMs = ms;
    if (this.running && !this.flight.running) this.schedule();
  }

  /** Visibility of any view fed by this poller. Becoming visible with stale data polls at once. */
  setVisible(visible: boolean): void {
    const was = this.visible;
    this.visible = visible;
    if (visible && !was) this.refreshIfStale('visible');
    else if (this.running && !this.flight.running) this.schedule();
  }

  setFocused(focused: boolean): void {
    const was = this.focused;
    this.focused = focused;
    if (focused && !was) this.refreshIfStale('focus');
    else if (this.running && !this.flight.running) this.schedule();
  }

  /** Manual refreshes run at once; everything else is debounced. */
  refresh(reason: RefreshReason = 'manual'): Promise<void> | undefined {
    return this.trigger(reason, reason === 'manual' || reason === 'submit');
  }

  /** The interval currently in force (what the next timer will wait), for display and tests. */
  currentDelayMs(): number {
    const base = this.timing.intervalMs * (this.visible && this.focused ? 1 : this.timing.idleFactor);
    if (this.consecutiveErrors === 0) return this.hurryMs === undefined ? base : Math.min(base, this.hurryMs);
    return Math.min(this.timing.maxBackoffMs, base * 2 ** this.consecutiveErrors);
  }

  private refreshIfStale(reason: RefreshReason): void {
    // While failing (a busy or rate-limiting slurmctld, an outage) the backed-off timer decides:
    // a window that gains focus or a view that shows again must not add a poll each time.
    if (this.consecutiveErrors === 0 && this.clock.now() - this.lastSuccessAt >= this.timing.intervalMs) void this.trigger(reason, true);
    else if (this.running && !this.flight.running) this.schedule();
  }

  private trigger(reason: RefreshReason, immediate: boolean): Promise<void> | undefined {
    if (!this.running || this.isDisposed) return undefined;
    this.pendingReason = reason;
    if (immediate) {
      this.clearTimers();
      return this.flight.run();
    }
    if (this.debounceTimer === undefined) {
      this.debounceTimer = this.clock.setTimeout(() => {
        this.debounceTimer = undefined;
        void this.flight.run();
      }, this.timing.debounceMs);
    }
    return undefined;
  }

  private async doPoll(): Promise<void> {
    if (!this.running) return;
    this.clearTimer();
    const reason = this.pendingReason;
    this.pendingReason = 'timer';
    this.abort = new AbortController();
    try {
      const value = await this.pollOnce(this.abort.signal, reason);
      this.consecutiveErrors = 0;
      this.lastSuccessAt = this.clock.now();
      this.onDidPollEmitter.fire({ ok: true, value, reason, at: this.lastSuccessAt });
    } catch (error) {
      this.consecutiveErrors++;
      this.onDidPollEmitter.fire({ ok: false, error, reason, at: this.clock.now(), consecutiveErrors: this.consecutiveErrors });
    } finally {
      this.abort = undefined;
      if (this.running) this.schedule();
    }
  }

  private schedule(): void {
    this.clearTimer();
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.pendingReason = 'timer';
      void this.flight.run();
    }, this.currentDelayMs());
  }

  private clearTimer(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private clearTimers(): void {
    this.clearTimer();
    if (this.debounceTimer !== undefined) {
      this.clock.clearTimeout(this.debounceTimer);
      this.debounceTimer = undefined;
    }
  }
}
