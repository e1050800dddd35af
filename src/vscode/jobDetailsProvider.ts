/**
 * Read-only documents `slurm-job:/<cluster>/<job id>.slurm-job` with a job's details; "Refresh"
 * re-runs scontrol. Documents are virtual: nothing is written to disk.
 */
import * as vscode from 'vscode';
import { errorMessage } from '../core/errors';
import { runCall, SlurmCommandError } from '../slurm';
import { pendingDetailsHeader } from '../session/pendingReason';
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
      const text = await runCall(session.transport, scontrolShowJobTextCall(ref.jobId), { signal: abort.signal, timeoutMs: this.services.settings().commandTimeoutSeconds * 1000 });
      const why = pendingDetailsHeader(text, session.snapshot.jobs.find((j) => j.id === ref.jobId) ?? { id: ref.jobId });
      return `# scontrol show job ${ref.jobId}   (${ref.cluster}, ${new Date().toLocaleTimeString()})\n${why}\n${text}`;
    } catch (err) {
      const row = session.snapshot.jobs.find((j) => j.id === ref.jobId);
      if (err instanceof SlurmCommandError && isUnknownJobError(err.stderr) && row) return accountingDetails(row);
      return `# Could not read job ${ref.jobId} on ${ref.cluster}:\n# ${errorMessage(err)}\n`;
    } finally {
      sub.dispose();
    }
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
