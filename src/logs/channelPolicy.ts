/**
 * Which job output channels to close. A followed job keeps its channel; a finished (no longer
 * followed) one stays for reading, but only the `maxFinished` most recently used do — older ones
 * are closed, so channels do not pile up one per job for the whole session. Re-following a job
 * whose channel is still open reuses it.
 */
export interface ChannelUse {
  key: string;
  /** Its log is being followed now. */
  followed: boolean;
  /** Last time it was written to or shown (any monotonic number). */
  lastUsed: number;
}

export function channelsToClose(channels: readonly ChannelUse[], maxFinished: number): string[] {
  const finished = channels.filter((c) => !c.followed).sort((a, b) => b.lastUsed - a.lastUsed);
  return finished.slice(Math.max(0, maxFinished)).map((c) => c.key);
}
