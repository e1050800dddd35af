/**
 * The shared SFTP session of an ssh connection: one channel, opened on demand, closed when idle
 * (it holds one of the server's few sessions), dropped with its connection. Where SFTP cannot work
 * on a login (a startup file that prints), it says why once and file operations use shell
 * commands from then on (shellFileOps.ts, sshFiles.ts).
 */
import type { SFTPWrapper } from 'ssh2';
import { UserFacingError, errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import { ConnectionLostError, raceSignal, startDeadline } from './commandRunner';
import { isSftpUnusable } from './shellFileOps';
import { OPEN_RETRIES, REFUSED_OPEN, type ChannelBudget } from './sshChannels';
import type { Live } from './sshConnection';
import type { FileOptions } from './types';

export interface SftpSessionOptions {
  label: string;
  log: Logger;
  defaultTimeoutMs: number;
  idleMs: number;
  budget: ChannelBudget;
  ensureConnected(): Promise<Live>;
}

export class SftpSession {
  private sftp: { generation: number; session: Promise<SFTPWrapper>; users: number; idle?: NodeJS.Timeout } | undefined;
  /** Why SFTP cannot work on this login, once seen (file operations then use commands). */
  private unusable: string | undefined;

  constructor(private readonly options: SftpSessionOptions) {}

  private get label(): string {
    return this.options.label;
  }

  /** Frees the session an unused SFTP channel holds (a server with few sessions needs it now). */
  closeIdle(): void {
    if (this.sftp && this.sftp.users === 0) this.close();
  }

  close(): void {
    const s = this.sftp;
    this.sftp = undefined;
    if (!s) return;
    if (s.idle) clearTimeout(s.idle);
    s.session.then((sftp) => sftp.end(), () => undefined);
  }

  /** Runs fn with the shared SFTP session (one channel, opened on demand, closed when idle). */
  async with<T>(what: string, options: FileOptions, fn: (sftp: SFTPWrapper) => Promise<T>): Promise<T> {
    const deadline = startDeadline(what, options.timeoutMs ?? this.options.defaultTimeoutMs, options.signal);
    try {
      const live = await raceSignal(this.options.ensureConnected(), deadline.signal, what);
      if (!this.sftp || this.sftp.generation !== live.generation) {
        this.close();
        const session = this.open(live, deadline.signal);
        this.sftp = { generation: live.generation, session, users: 0 };
        session.catch(() => {
          if (this.sftp?.session === session) this.sftp = undefined;
        });
      }
      const entry = this.sftp;
      entry.users++;
      if (entry.idle) clearTimeout(entry.idle);
      try {
        const sftp = await raceSignal(entry.session, deadline.signal, what);
        return await raceSignal(fn(sftp), deadline.signal, what);
      } catch (err) {
        if (live.closed) throw new ConnectionLostError(what, this.label);
        throw err;
      } finally {
        entry.users--;
        if (entry.users === 0 && this.sftp === entry) {
          entry.idle = setTimeout(() => {
            if (this.sftp === entry && entry.users === 0) this.close();
          }, this.options.idleMs);
          entry.idle.unref();
        }
      }
    } finally {
      deadline.dispose();
    }
  }

  private async open(live: Live, signal: AbortSignal): Promise<SFTPWrapper> {
    const budget = this.options.budget;
    const release = await budget.channels.acquire(signal);
    for (let attempt = 0; ; attempt++) {
      try {
        return await new Promise<SFTPWrapper>((resolve, reject) => {
          live.conn.client.sftp((err, sftp) => {
            if (err) return reject(err);
            budget.channelOpened();
            sftp.once('close', () => {
              release();
              budget.channelClosed();
            });
            resolve(sftp);
          });
        });
      } catch (err) {
        // Refused while our own channels hold the server's few sessions: wait for one (see ChannelBudget.openExecChannel).
        const refused = REFUSED_OPEN.test(errorMessage(err));
        if (refused && !live.closed && !signal.aborted && (budget.openChannels > 0 || attempt < OPEN_RETRIES)) {
          await budget.nextChannelClose(Math.min(1_000, 10 * 2 ** attempt), signal);
          continue;
        }
        release();
        if (isSftpUnusable(errorMessage(err))) this.markUnusable(errorMessage(err));
        throw new UserFacingError(`Could not start SFTP on ${this.label}: ${errorMessage(err)}`, 'Check that the server enables the sftp subsystem.');
      }
    }
  }

  /**
   * SFTP cannot work on this login: say why once, with the fix, and use commands from now on.
   * The usual cause is a startup file that prints when the shell is not interactive.
   */
  private markUnusable(detail: string): void {
    if (this.unusable !== undefined) return;
    this.unusable = detail;
    this.options.log.warn(
      `[${this.label}] SFTP does not work on this login (${detail}). Most often a shell startup file (~/.bashrc, ~/.cshrc, ~/.zshenv) ` +
        'prints text for non-interactive shells, which corrupts the SFTP stream; print only in interactive shells ' +
        '(bash/zsh: [[ $- == *i* ]] || return near the top; tcsh: if ($?prompt) then ... endif). ' +
        'File transfers use shell commands instead, which is slower.',
    );
  }

  /** The SFTP way, or the shell-command way once SFTP proved unusable on this login (see shellFileOps.ts). */
  async orShell<T>(viaSftp: () => Promise<T>, viaShell: () => Promise<T>): Promise<T> {
    if (this.unusable === undefined) {
      try {
        return await viaSftp();
      } catch (err) {
        if (this.unusable === undefined) throw err;
      }
    }
    return viaShell();
  }
}
