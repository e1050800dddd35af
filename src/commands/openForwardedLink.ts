/**
 * slurm.openForwardedLink — what a link in a job's log runs (vscode/portForwardLinks.ts): forward
 * the port the link names (or reuse the open forward) and open the link, rewritten to the local
 * port, in the browser. Its argument comes from a command URI: checked with zod.
 */
import * as vscode from 'vscode';
import { z } from 'zod';
import { lazySchema } from '../core/lazySchema';
import type { ForwardInfo } from '../forward/forwardRegistry';
import { showActionError } from '../vscode/errors';
import type { PortForwards } from '../vscode/portForwardFeature';

const LinkArgs = lazySchema(() => z.object({
  profileName: z.string().min(1),
  jobId: z.string().regex(/^\d+(_\d+)?$/),
  node: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  url: z.string().regex(/^https?:\/\//),
}));

export function openForwardedLinkCommand(forwards: PortForwards) {
  return async (raw: unknown, options: { open?: boolean } = {}): Promise<{ forward: ForwardInfo; url: string } | undefined> => {
    const parsed = LinkArgs.safeParse(raw);
    if (!parsed.success) {
      void vscode.window.showErrorMessage('Slurm Workbench: this link carries no job port to forward.');
      return undefined;
    }
    const args = parsed.data;
    try {
      const forward = await forwards.registry.open({ profileName: args.profileName, jobId: args.jobId, node: args.node, remotePort: args.port, localPort: args.port, anyPortIfTaken: true, timeoutMs: forwards.timeoutMs() });
      const uri = await forwards.externalUri(forward, args.url);
      if (options.open !== false) await vscode.env.openExternal(uri);
      return { forward, url: uri.toString(true) };
    } catch (err) {
      showActionError(`Opening ${args.url} (port ${args.port} of job ${args.jobId})`, err);
      return undefined;
    }
  };
}
