/** The logs part of the extension API (`activate()`'s return): tests inside VS Code read channels through it. */
export interface LogsApi {
  /** Follows a job (all tasks of an array); resolves with the names of its output channels. */
  follow(profileName: string, jobId: string): Promise<string[]>;
  /** What the job's channel(s) show now (a bounded copy; VS Code cannot read a channel back). */
  channelText(profileName: string, jobId: string): { out: string; err?: string } | undefined;
  /** Followed right now, with each follower's state. */
  followed(): { profileName: string; jobId: string; state: string }[];
  stopAll(): Promise<void>;
}
