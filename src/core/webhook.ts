/**
 * The optional webhook of a resource watch: one JSON POST when the condition holds. The URL may
 * carry a token (Slack, ntfy), so it is kept in secret storage by the VS Code layer and never
 * logged; errors name the host only.
 */
import { z } from 'zod';
import { lazySchema } from './lazySchema';
import { UserFacingError } from './errors';

export const WebhookUrlSchema = lazySchema(() => z
  .string()
  .trim()
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'must start with http:// or https://'));

export interface WebhookPayload {
  event: 'slurm.resources.available';
  cluster: string;
  partition: string;
  resource: 'gpu' | 'cpu';
  requested: number;
  free: number;
  gpuType?: string;
  message: string;
  /** ISO time the condition was seen to hold. */
  at: string;
}

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<{ ok: boolean; status: number }>;

/** Host only: safe for messages (the path or query may hold a token). */
export function webhookHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the webhook';
  }
}

export async function postWebhook(url: string, payload: WebhookPayload, options: { fetch?: FetchLike; timeoutMs?: number } = {}): Promise<void> {
  const checked = WebhookUrlSchema.safeParse(url);
  if (!checked.success) throw new UserFacingError('The webhook URL is not valid.', 'Use an http:// or https:// URL.');
  const doFetch: FetchLike = options.fetch ?? ((u, init) => fetch(u, init));
  const timeoutMs = options.timeoutMs ?? 10_000;
  const signal = AbortSignal.timeout(timeoutMs);
  let status: number;
  try {
    const res = await doFetch(checked.data, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload), signal });
    if (res.ok) return;
    status = res.status;
  } catch (e) {
    const why = signal.aborted ? `no answer within ${Math.round(timeoutMs / 1000)} s` : e instanceof Error ? e.message : String(e);
    throw new UserFacingError(`The webhook POST to ${webhookHost(url)} failed: ${why}.`, 'Check the URL and that this machine can reach it.', { cause: e });
  }
  throw new UserFacingError(`The webhook at ${webhookHost(url)} answered HTTP ${status}.`, 'Check the URL (and its token, if any).');
}
