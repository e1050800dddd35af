/**
 * Runs an async task at most once at a time. A call made while a run is in flight does not start a
 * second run in parallel: it joins one trailing rerun that starts when the current run ends (several
 * mid-run calls share that one rerun). This is what keeps polls from overlapping.
 */
export class SingleFlight<T> {
  private current: Promise<T> | undefined;
  private trailing: Promise<T> | undefined;

  constructor(private readonly task: () => Promise<T>) {}

  get running(): boolean {
    return this.current !== undefined;
  }

  run(): Promise<T> {
    if (!this.current) return this.start();
    if (!this.trailing) {
      const after = this.current.then(
        () => undefined,
        () => undefined,
      );
      this.trailing = after.then(() => {
        this.trailing = undefined;
        return this.start();
      });
    }
    return this.trailing;
  }

  private start(): Promise<T> {
    const p = this.task().finally(() => {
      if (this.current === p) this.current = undefined;
    });
    this.current = p;
    return p;
  }
}
