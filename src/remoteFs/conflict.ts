/**
 * The write conflict check: a file's size and modification time on the cluster are remembered
 * when we read (or write) it; a save whose file has changed there since is refused with a
 * ConflictError, which the VS Code layer turns into "Overwrite / Cancel".
 *
 * SFTP v3 and `stat -c %Y` give whole seconds, so two changes of the same size within one second
 * look alike; a change from another writer is caught from the next second on.
 */
import { UserFacingError } from '../core/errors';

export interface FileVersion {
  size: number;
  mtimeMs: number;
}

export function sameVersion(a: FileVersion, b: FileVersion): boolean {
  return a.size === b.size && Math.floor(a.mtimeMs / 1000) === Math.floor(b.mtimeMs / 1000);
}

export class ConflictError extends UserFacingError {
  constructor(
    readonly shown: string,
    readonly known: FileVersion,
    /** undefined: the file was deleted on the cluster meanwhile. */
    readonly current: FileVersion | undefined,
  ) {
    super(
      current ? `${shown} changed on the cluster since it was opened (now ${current.size} bytes, modified ${new Date(current.mtimeMs).toISOString()}).` : `${shown} was deleted on the cluster since it was opened.`,
      'Overwrite it with your version, or cancel, compare with the file on the cluster, and merge.',
    );
    this.name = 'ConflictError';
  }
}

/** Whether a write over `current` may go ahead, given what we last saw (`known`). */
export function checkWrite(shown: string, known: FileVersion | undefined, current: FileVersion | undefined): void {
  if (known === undefined) return; // never read here: nothing to compare with
  if (current === undefined || !sameVersion(known, current)) throw new ConflictError(shown, known, current);
}

/** The versions last seen, per file; bounded (oldest forgotten first). */
export class KnownVersions {
  private readonly versions = new Map<string, FileVersion>();

  constructor(private readonly limit = 2_000) {}

  get(key: string): FileVersion | undefined {
    return this.versions.get(key);
  }

  remember(key: string, version: FileVersion): void {
    this.versions.delete(key);
    this.versions.set(key, { size: version.size, mtimeMs: version.mtimeMs });
    if (this.versions.size > this.limit) {
      const oldest = this.versions.keys().next().value;
      if (oldest !== undefined) this.versions.delete(oldest);
    }
  }

  /** Forgets `key` and everything under it (a deleted or renamed folder). */
  forget(key: string): void {
    for (const k of [...this.versions.keys()]) if (k === key || k.startsWith(`${key}/`)) this.versions.delete(k);
  }

  /** Moves what is known of `from` (and under it) to `to`. */
  move(from: string, to: string): void {
    for (const [k, v] of [...this.versions]) {
      if (k !== from && !k.startsWith(`${from}/`)) continue;
      this.versions.delete(k);
      this.versions.set(to + k.slice(from.length), v);
    }
  }
}
