/**
 * The terminals of interactive sessions: one per session job, opened with the same srun --overlap
 * shell as "Open Terminal in Job". What this adds around them:
 *
 * - Closing the terminal while the allocation still runs asks "End Session" or "Keep Running".
 *   Dismissing the question keeps it running: ending destroys whatever the user left running in the
 *   allocation (a tmux, a background process) and cannot be undone, while keeping costs at most the
 *   rest of the time limit — the Jobs view shows the session with its time left, "Reopen
 *   Interactive Terminal" and "Cancel Job". Scripted callers (tests) choose up front.
 * - The allocation ending (scancel, the time limit, Cancel from the tree) closes the terminal with a
 *   message: seen by the session's poll, or at once when the shell's step ends.
 */
import * as vscode from 'vscode';
import type { IDisposable } from '../core/disposable';
import { errorMessage } from '../core/errors';
import { logger } from '../core/logger';
import { endInteractiveJob, watchForEnd } from '../interactive/interactiveSession';
import type { ClusterSession } from '../session/clusterSession';
import { clusterContext } from '../session/slurmJobLister';
import { runCall } from '../slurm/call';
import { jobPlaceCall } from '../terminal/jobShell';
import { jobTerminalArgv, planJobTerminal } from '../terminal/jobTerminal';
import type { ClusterTerminals } from './clusterTerminal';
import { showActionError } from './errors';

/** What closing the terminal does while the allocation runs: ask (the default), end it, or keep it. */
export type OnTerminalClose = 'ask' | 'end' | 'keep';

interface Open {
  session: ClusterSession;
  jobId: string;
  terminal: vscode.Terminal;
  onClose: OnTerminalClose;
  watch: IDisposable;
  /** We close it because the allocation ended: no question. */
  ending: boolean;
}

/** What the test API reports of a session this window opened a terminal for. */
export interface InteractiveSessionInfo {
  cluster: string;
  jobId: string;
  terminalName: string;
  /** The last thing that happened to it: `open`, `ended: CANCELLED`, `kept`, `ended by the user`. */
  status: string;
}

export class InteractiveTerminals implements vscode.Disposable {
  private readonly open = new Map<vscode.Terminal, Open>();
  private readonly infos: InteractiveSessionInfo[] = [];
  private readonly subscription: vscode.Disposable;

  constructor(private readonly terminals: ClusterTerminals, private readonly timeoutMs: () => number) {
    this.subscription = vscode.window.onDidCloseTerminal((t) => void this.closed(t));
  }

  list(): InteractiveSessionInfo[] {
    return this.infos.map((i) => ({ ...i }));
  }

  /** Opens a shell in the session's running job (its first node). */
  async openTerminal(session: ClusterSession, jobId: string, onClose: OnTerminalClose = 'ask'): Promise<vscode.Terminal> {
    const timeoutMs = this.timeoutMs();
    const ctx = await clusterContext(session.transport, { timeoutMs });
    const plan = await planJobTerminal(session.transport, ctx.version, jobId, { timeoutMs });
    const argv = jobTerminalArgv(plan);
    const terminal = this.terminals.create({
      name: `${session.profileName}: interactive ${jobId} (${plan.place.nodes[0] ?? '?'})`,
      what: `the interactive session (job ${jobId})`,
      open: (size, handlers) => session.transport.openPty(argv, size, handlers, { timeoutMs }),
    });
    const entry: Open = { session, jobId, terminal, onClose, ending: false, watch: { dispose: () => undefined } };
    entry.watch = watchForEnd(session, jobId, (state) => this.ended(entry, state));
    this.open.set(terminal, entry);
    this.setStatus(session.profileName, jobId, terminal.name, 'open');
    return terminal;
  }

  private setStatus(cluster: string, jobId: string, terminalName: string, status: string): void {
    const found = this.infos.find((i) => i.cluster === cluster && i.jobId === jobId);
    if (found) Object.assign(found, { terminalName, status });
    else this.infos.push({ cluster, jobId, terminalName, status });
  }

  /** The poll saw the allocation end while its terminal is open. */
  private ended(entry: Open, state: string): void {
    if (!this.open.has(entry.terminal)) return;
    entry.ending = true;
    this.setStatus(entry.session.profileName, entry.jobId, entry.terminal.name, `ended: ${state}`);
    void vscode.window.showInformationMessage(`The interactive session on ${entry.session.profileName} (job ${entry.jobId}) ended (${state}); its terminal is closed.`);
    entry.terminal.dispose();
  }

  private async closed(terminal: vscode.Terminal): Promise<void> {
    const entry = this.open.get(terminal);
    if (!entry) return;
    this.open.delete(terminal);
    entry.watch.dispose();
    if (entry.ending) return;
    const { session, jobId } = entry;
    const name = session.profileName;
    // Closed by the user, by `exit`, or because its step ended with the job: ask squeue which.
    let state: string;
    try {
      state = (await runCall(session.transport, jobPlaceCall(jobId), { timeoutMs: this.timeoutMs() }))?.state ?? 'gone from the queue';
    } catch (err) {
      logger.warn(`[${name}] interactive session ${jobId}: could not ask squeue after its terminal closed: ${errorMessage(err)}`);
      this.setStatus(name, jobId, terminal.name, 'unknown');
      void vscode.window.showWarningMessage(`The terminal of the interactive session on ${name} (job ${jobId}) closed, and the cluster could not be asked whether the session still runs (${errorMessage(err)}). If it does, it ends at its time limit; the Jobs view offers Reopen Interactive Terminal and Cancel Job.`);
      return;
    }
    if (state !== 'RUNNING') {
      this.setStatus(name, jobId, terminal.name, `ended: ${state}`);
      void vscode.window.showInformationMessage(`The interactive session on ${name} (job ${jobId}) ended (${state}).`);
      return;
    }
    let choice: OnTerminalClose | undefined = entry.onClose;
    if (choice === 'ask') {
      const picked = await vscode.window.showInformationMessage(
        `The terminal of the interactive session on ${name} (job ${jobId}) is closed, but the session still holds its allocation until its time limit.`,
        'End Session', 'Keep Running',
      );
      // Dismissed: keep it (see the file comment).
      choice = picked === 'End Session' ? 'end' : 'keep';
    }
    if (choice === 'keep') {
      this.setStatus(name, jobId, terminal.name, 'kept');
      return;
    }
    try {
      await endInteractiveJob(session.transport, jobId, { timeoutMs: this.timeoutMs() });
      this.setStatus(name, jobId, terminal.name, 'ended by the user');
      void session.awaitChange([jobId], 'ended');
    } catch (err) {
      showActionError(`Ending the interactive session (job ${jobId})`, err);
    }
  }

  dispose(): void {
    this.subscription.dispose();
    for (const e of this.open.values()) e.watch.dispose();
    this.open.clear();
  }
}
