// A throwaway home folder with a LocalTransport rooted in it, made before a test file's tests and
// removed after them; and the small waiting helpers the log tests share.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { Logger } from '../../src/core/logger';
import { LocalTransport } from '../../src/transport/localTransport';

export interface LocalHome {
  /** The folder (valid inside tests). */
  readonly home: string;
  readonly transport: LocalTransport;
}

/** Registers before/after hooks; read the fields inside tests. */
export function useLocalHome(prefix: string): LocalHome {
  const state = {} as { home: string; transport: LocalTransport };
  before(() => {
    state.home = mkdtempSync(join(tmpdir(), prefix));
    state.transport = new LocalTransport({ home: state.home, logger: new Logger() });
  });
  after(() => {
    state.transport.dispose();
    rmSync(state.home, { recursive: true, force: true });
  });
  return {
    get home() {
      return state.home;
    },
    get transport() {
      return state.transport;
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function until(cond: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what} not reached`);
    await sleep(20);
  }
}
