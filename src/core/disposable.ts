/** Minimal disposable lifecycle, VS Code-free, structurally compatible with vscode.Disposable. */
export interface IDisposable {
  dispose(): void;
}

export function toDisposable(fn: () => void): IDisposable {
  let done = false;
  return {
    dispose() {
      if (!done) {
        done = true;
        fn();
      }
    },
  };
}

/** Base class: register children with _register(); dispose() disposes them in reverse order, once. */
export abstract class Disposable implements IDisposable {
  private readonly children: IDisposable[] = [];
  private disposed = false;

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  protected _register<T extends IDisposable>(child: T): T {
    if (this.disposed) {
      child.dispose();
    } else {
      this.children.push(child);
    }
    return child;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const child of this.children.splice(0).reverse()) {
      try {
        child.dispose();
      } catch {
        // one child failing to dispose must not keep the others alive
      }
    }
  }
}

/** A tiny typed event emitter (VS Code's Event shape, without VS Code). */
export type Listener<T> = (value: T) => void;
export interface Event<T> {
  (listener: Listener<T>): IDisposable;
}

export class Emitter<T> implements IDisposable {
  private listeners = new Set<Listener<T>>();
  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  };
  fire(value: T): void {
    for (const l of [...this.listeners]) l(value);
  }
  dispose(): void {
    this.listeners.clear();
  }
}
