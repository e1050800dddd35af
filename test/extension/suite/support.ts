// Shared by the in-VS Code tests: where the test bed's description is, and a bounded wait.
import * as path from 'node:path';

/** `.bed/cluster.json` of this clone (out/test/extension/suite/index.js is four levels below the root). */
export const bedFile = path.resolve(__dirname, '../../../../.bed/cluster.json');

/** Polls `probe` until it returns a value (errors count as "not yet"); fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
