/** The forwarded-ports part of the extension API (`activate()`'s return): tests inside VS Code use it. */
import type { ForwardInfo } from './forwardRegistry';

export interface ForwardsApi {
  list(): ForwardInfo[];
  /** The page's address as a browser reaches it (asExternalUri of the local port), with `path`. */
  externalUrl(forward: ForwardInfo, path?: string): Promise<string>;
  closeAll(): void;
}
