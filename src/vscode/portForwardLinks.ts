/**
 * "Open in Browser" on links a running job prints: in read-only log documents (`slurm-log:`) and
 * in followed log channels (output documents named `Slurm <id> <name>`, logChannels.ts). Each link
 * that points at the job's node or at loopback (forward/urlDetection.ts) runs
 * `slurm.openForwardedLink`, which forwards the port (or reuses the forward) and opens the link
 * rewritten to the local port. Links of jobs that are not running are left to VS Code's own
 * detection: there is nothing to forward to.
 */
import * as vscode from 'vscode';
import { detectForwardableUrls } from '../forward/urlDetection';
import { expandHostlist } from '../slurm/hostlist';
import type { JobRow } from '../session/jobRow';
import type { SessionRegistry } from '../session/sessionRegistry';
import { LOG_SCHEME } from './logDocuments';

/** What `slurm.openForwardedLink` receives from a link. */
export interface ForwardedLinkArgs {
  profileName: string;
  jobId: string;
  node: string;
  port: number;
  url: string;
}

interface LogJob {
  profileName: string;
  job: JobRow;
  nodes: string[];
}

/** Documents can be large; links are printed at a server's start, near the top, or again later: scan the last part only. */
const SCAN_LIMIT = 512 * 1024;

export class ForwardedLinkProvider implements vscode.DocumentLinkProvider {
  static readonly selector: vscode.DocumentSelector = [{ scheme: LOG_SCHEME }, { scheme: 'output' }];

  constructor(private readonly sessions: SessionRegistry) {}

  provideDocumentLinks(document: vscode.TextDocument): vscode.DocumentLink[] {
    const jobs = this.jobsOf(document.uri);
    if (jobs.length === 0) return [];
    const text = document.getText();
    const offset = Math.max(0, text.length - SCAN_LIMIT);
    const allNodes = [...new Set(jobs.flatMap((j) => j.nodes))];
    const links: vscode.DocumentLink[] = [];
    for (const found of detectForwardableUrls(offset > 0 ? text.slice(offset) : text, allNodes)) {
      // A node link belongs to the job running there; a loopback one only when one job is in question.
      const owner = found.node !== undefined ? jobs.find((j) => j.nodes.includes(found.node as string)) : jobs.length === 1 ? jobs[0] : undefined;
      if (!owner) continue;
      const args: ForwardedLinkArgs = { profileName: owner.profileName, jobId: owner.job.id, node: found.node ?? owner.nodes[0], port: found.port, url: found.url };
      const range = new vscode.Range(document.positionAt(offset + found.start), document.positionAt(offset + found.end));
      const link = new vscode.DocumentLink(range, vscode.Uri.parse(`command:slurm.openForwardedLink?${encodeURIComponent(JSON.stringify([args]))}`));
      link.tooltip = `Open in Browser (forwards ${args.node}:${args.port} of job ${args.jobId} to a local port)`;
      links.push(link);
    }
    return links;
  }

  /** The running job(s) a log document belongs to. */
  private jobsOf(uri: vscode.Uri): LogJob[] {
    let profileName: string | undefined;
    let jobId: string | undefined;
    if (uri.scheme === LOG_SCHEME) {
      profileName = new URLSearchParams(uri.query).get('profile') ?? undefined;
      jobId = uri.path.split('/')[2];
    } else {
      jobId = /(?:^|[-#\s])Slurm (\d+(?:_\d+)?) /.exec(decodeURIComponent(uri.path))?.[1];
    }
    if (!jobId) return [];
    const sessions = profileName !== undefined ? [this.sessions.get(profileName)].filter((s) => s !== undefined) : this.sessions.all();
    const out: LogJob[] = [];
    for (const session of sessions) {
      for (const job of session.snapshot.jobs) {
        if (job.state !== 'RUNNING' || (job.id !== jobId && job.arrayJobId !== jobId && job.actionId !== jobId)) continue;
        const nodes = expandHostlist(job.nodes ?? '');
        if (nodes.length > 0) out.push({ profileName: session.profileName, job, nodes });
      }
    }
    return out;
  }
}
