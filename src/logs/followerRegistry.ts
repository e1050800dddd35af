/**
 * The logs being followed, at most `maxFollowed()` at once. One follower per (cluster, job):
 * following the same job again returns the running one. Ended followers leave by themselves.
 */
import { Emitter } from '../core/disposable';
import { UserFacingError } from '../core/errors';
import type { JobLogFollower } from './jobLogFollower';

export function followerKey(profileName: string, jobId: string): string {
  return `${profileName}\u0000${jobId}`;
}

export class FollowerLimitError extends UserFacingError {
  constructor(limit: number) {
    super(
      `Already following ${limit} log${limit === 1 ? '' : 's'}, the most allowed at once.`,
      'Stop following a log first (Slurm: Stop Following Log), or raise the setting slurm.logs.maxFollowed.',
    );
    this.name = 'FollowerLimitError';
  }
}

export class FollowerRegistry {
  private readonly followers = new Map<string, JobLogFollower>();
  private readonly changeEmitter = new Emitter<void>();
  readonly onDidChange = this.changeEmitter.event;

  constructor(private readonly maxFollowed: () => number) {}

  get size(): number {
    return this.followers.size;
  }

  all(): JobLogFollower[] {
    return [...this.followers.values()];
  }

  get(profileName: string, jobId: string): JobLogFollower | undefined {
    return this.followers.get(followerKey(profileName, jobId));
  }

  /** Room for `count` more followers? Throws FollowerLimitError when not. */
  assertRoom(count = 1): void {
    const limit = this.maxFollowed();
    if (this.followers.size + count > limit) throw new FollowerLimitError(limit);
  }

  /**
   * Registers a follower made by `create` unless that job is already followed (then returns the
   * running one with `existing: true`). Throws FollowerLimitError at the bound.
   */
  add(profileName: string, jobId: string, create: () => JobLogFollower): { follower: JobLogFollower; existing: boolean } {
    const key = followerKey(profileName, jobId);
    const running = this.followers.get(key);
    if (running) return { follower: running, existing: true };
    this.assertRoom();
    const follower = create();
    this.followers.set(key, follower);
    void follower.whenEnded().then(() => {
      if (this.followers.get(key) === follower) {
        this.followers.delete(key);
        this.changeEmitter.fire();
      }
    });
    this.changeEmitter.fire();
    return { follower, existing: false };
  }

  async stop(profileName: string, jobId: string): Promise<void> {
    await this.followers.get(followerKey(profileName, jobId))?.stop();
  }

  async stopAll(message?: string): Promise<void> {
    await Promise.all(this.all().map((f) => f.stop(message)));
  }

  dispose(): void {
    void this.stopAll();
    this.changeEmitter.dispose();
  }
}
