/**
 * The VS Code side of a followed log: one OutputChannel per job named `Slurm <id> <name>` (and a
 * `Slurm <id> <name> (stderr)` one when stderr has its own channel). Re-following a job reuses its
 * channel; of the finished (no longer followed) jobs only the `maxFinished()` most recently used keep
 * theirs (logs/channelPolicy.ts), so channels do not pile up. A bounded copy of what each channel shows is kept for the extension API (tests read it;
 * VS Code offers no way to read an output channel back).
 */
import * as vscode from 'vscode';
import type { FollowerSink, LogTarget } from '../logs/jobLogFollower';
import { channelsToClose } from '../logs/channelPolicy';
import { LogOutput, type LogStream, type TextAppender } from '../logs/logOutput';

const MIRROR_LIMIT = 1024 * 1024;

interface JobChannels {
  out: vscode.OutputChannel;
  err?: vscode.OutputChannel;
  mirror: { out: string; err: string };
  lastUsed: number;
}

export interface ChannelLimits {
  isFollowed(profileName: string, jobId: string): boolean;
  /** How many finished jobs keep their channel (setting slurm.logs.maxFinishedChannels). */
  maxFinished(): number;
}

export function channelName(target: Pick<LogTarget, 'jobId' | 'jobName'>, stream: LogStream | 'both' = 'both'): string {
  return `Slurm ${target.jobId} ${target.jobName}${stream === 'stderr' ? ' (stderr)' : ''}`;
}

export class JobLogChannels implements vscode.Disposable {
  private readonly channels = new Map<string, JobChannels & { profileName: string; jobId: string }>();
  private useCounter = 0;

  constructor(private readonly limits: ChannelLimits = { isFollowed: () => true, maxFinished: () => Number.MAX_SAFE_INTEGER }) {}

  /** Closes the channels of finished jobs beyond the limit (after a follow ended or a new channel opened). */
  prune(): void {
    const uses = [...this.channels.entries()].map(([k, c]) => ({ key: k, followed: this.limits.isFollowed(c.profileName, c.jobId), lastUsed: c.lastUsed }));
    for (const k of channelsToClose(uses, this.limits.maxFinished())) {
      const c = this.channels.get(k);
      c?.out.dispose();
      c?.err?.dispose();
      this.channels.delete(k);
    }
  }

  /** A sink writing to the job's channel(s); `separateStderr` gives stderr a channel of its own. */
  sinkFor(target: LogTarget, separateStderr: boolean): FollowerSink {
    const entry = this.entry(target, separateStderr && target.stderrPath !== target.stdoutPath);
    const appender = (channel: vscode.OutputChannel, which: 'out' | 'err'): TextAppender => ({
      append: (text) => {
        channel.append(text);
        entry.lastUsed = ++this.useCounter;
        const m = entry.mirror[which] + text;
        entry.mirror[which] = m.length > MIRROR_LIMIT ? m.slice(m.length - MIRROR_LIMIT) : m;
      },
    });
    const out = new LogOutput(appender(entry.out, 'out'), { interleave: entry.err === undefined });
    const err = entry.err ? new LogOutput(appender(entry.err, 'err'), { interleave: false }) : undefined;
    return {
      data: (stream, chunk) => (stream === 'stderr' && err ? err : out).data(stream, chunk),
      notice: (text, stream) => {
        if (stream === 'stderr' && err) err.notice(text);
        else {
          out.notice(text);
          if (stream === undefined) err?.notice(text);
        }
      },
      end: () => {
        out.end();
        err?.end();
        out.dispose();
        err?.dispose();
      },
    };
  }

  show(target: Pick<LogTarget, 'profileName' | 'jobId'>, preserveFocus = true): void {
    this.channels.get(key(target))?.out.show(preserveFocus);
  }

  /** What the job's channel(s) show now (bounded), for the extension API. */
  text(profileName: string, jobId: string): { out: string; err?: string } | undefined {
    const entry = this.channels.get(key({ profileName, jobId }));
    if (!entry) return undefined;
    return entry.err ? { out: entry.mirror.out, err: entry.mirror.err } : { out: entry.mirror.out };
  }

  names(): string[] {
    return [...this.channels.values()].flatMap((c) => [c.out.name, ...(c.err ? [c.err.name] : [])]);
  }

  dispose(): void {
    for (const c of this.channels.values()) {
      c.out.dispose();
      c.err?.dispose();
    }
    this.channels.clear();
  }

  private entry(target: LogTarget, wantErr: boolean): JobChannels {
    let entry = this.channels.get(key(target));
    if (!entry) {
      entry = { out: vscode.window.createOutputChannel(channelName(target), 'log'), mirror: { out: '', err: '' }, lastUsed: ++this.useCounter, profileName: target.profileName, jobId: target.jobId };
      this.channels.set(key(target), entry);
      this.prune();
    } else entry.lastUsed = ++this.useCounter;
    if (wantErr && !entry.err) entry.err = vscode.window.createOutputChannel(channelName(target, 'stderr'), 'log');
    return entry;
  }
}

function key(t: Pick<LogTarget, 'profileName' | 'jobId'>): string {
  return `${t.profileName}\u0000${t.jobId}`;
}
