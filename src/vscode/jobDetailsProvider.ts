/**
 * Read-only documents `slurm-job:/<cluster>/<job id>.slurm-job` with a job's details; "Refresh"
 * re-runs scontrol. Documents are virtual: nothing is written to disk.
 */
import * as vscode from 'vscode';
import { errorMessage } from '../core/errors';
import { runCall, SlurmCommandError } from '../slurm';
import { allocationFromScontrol, liveUsageLines } from '../session/liveUsage';
import { pendingDetailsHeader } from '../session/pendingReason';
import { sstatCall } from '../slurm/sstat';
import { accountingDetails, isUnknownJobError, scontrolShowJobTextCall } from '../session/jobDetails';
import type { Services } from './services';

export const JOB_DETAILS_SCHEME = 'slurm-job';

export function jobDetailsUri(cluster: string, jobId: string): vscode.Uri {
  return vscode.Uri.from({ scheme: JOB_DETAILS_SCHEME, path: `/${encodeURIComponent(cluster)}/${jobId}.slurm-job` });
}

export function parseJobDetailsUri(uri: vscode.Uri): { cluster: string; jobId: string } | undefined {
  const m = /^\/([^/]+)\/(.+)\.slurm-job$/.exec(uri.path);
  return m ? { cluster: decodeURIComponent(m[1]), jobId: m[2] } : undefined;
}

export class JobDetailsProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;

  /** While a running job's details are open: the next re-read (live usage), by document URI. */
  private readonly liveTimers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly services: Services) {}

  refresh(uri: vscode.Uri): void {
    this.emitter.fire(uri);
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const ref = parseJobDetailsUri(uri);
    if (!ref) return `Not a job details address: ${uri.toString()}`;
    const session = this.services.registry.get(ref.cluster);
    if (!session) return `No cluster profile named "${ref.cluster}" is configured.`;
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    try {
      const text = await runCall(session.transport, scontrolShowJobTextCall(ref.jobId), { signal: abort.signal, timeoutMs: this.services.commandTimeoutMs() });
      const why = pendingDetailsHeader(text, session.snapshot.jobs.find((j) => j.id === ref.jobId) ?? { id: ref.jobId });
      const live = /JobState=RUNNING/.test(text) ? `${await this.liveUsage(session.transport, ref.jobId, text, abort.signal)}\n` : '';
      this.scheduleLive(uri, live !== '');
      return `# scontrol show job ${ref.jobId}   (${ref.cluster}, ${new Date().toLocaleTimeString()})\n${why}${live}\n${text}`;
    } catch (err) {
      const row = session.snapshot.jobs.find((j) => j.id === ref.jobId);
      if (err instanceof SlurmCommandError && isUnknownJobError(err.stderr) && row) return accountingDetails(row);
      return `# Could not read job ${ref.jobId} on ${ref.cluster}:\n# ${errorMessage(err)}\n`;
    } finally {
      sub.dispose();
    }
  }

  /** sstat's figures for a running job (one call; only while its details are open). */
  private async liveUsage(transport: Parameters<typeof runCall>[0], jobId: string, scontrolText: string, signal: AbortSignal): Promise<string> {
    try {
      const steps = await runCall(transport, sstatCall(jobId), { signal, timeoutMs: this.services.commandTimeoutMs() });
      return liveUsageLines(steps, allocationFromScontrol(scontrolText), new Date()).join('\n');
    } catch (err) {
      return `# Live usage unavailable: ${errorMessage(err)}`;
    }
  }

  /** Re-reads a running job's details every 30 s while the document is open; stops when it is closed or the job ends. */
  private scheduleLive(uri: vscode.Uri, running: boolean): void {
    const key = uri.toString();
    clearTimeout(this.liveTimers.get(key));
    this.liveTimers.delete(key);
    if (!running) return;
    this.liveTimers.set(key, setTimeout(() => {
      this.liveTimers.delete(key);
      if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === key)) this.refresh(uri);
    }, 30_000));
  }

  dispose(): void {
    for (const t of this.liveTimers.values()) clearTimeout(t);
    this.liveTimers.clear();
    this.emitter.dispose();
  }
}
