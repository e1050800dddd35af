/**
 * `IdentitiesOnly yes`: only the configured IdentityFile keys may be offered. Keys the agent
 * holds are offered only when they ARE one of those identities (matched by public key, as OpenSSH
 * does), so a key loaded into the agent with its passphrase still works without a prompt, while
 * the agent's other keys never count against the server's MaxAuthTries.
 */
import { readFile } from 'node:fs/promises';
import { BaseAgent, createAgent, utils, type ParsedKey } from 'ssh2';

type IdentityCallback = Parameters<BaseAgent['getIdentities']>[0];
type AgentKey = NonNullable<Parameters<IdentityCallback>[1]>[number];
type SignCallback = (err: Error | undefined, signature?: Buffer) => void;

/**
 * The public key blob of an identity file: from `<file>.pub` when it exists, else from the
 * private key when it is not encrypted. Undefined when neither can be read.
 */
export async function identityPublicBlob(file: string): Promise<Buffer | undefined> {
  for (const candidate of [`${file}.pub`, file]) {
    let data: Buffer;
    try {
      data = await readFile(candidate);
    } catch {
      continue;
    }
    const parsed = utils.parseKey(data);
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (key instanceof Error || key === undefined) continue;
    return key.getPublicSSH();
  }
  return undefined;
}

type KeyLike = AgentKey | { pubKey: ParsedKey | Buffer | string };

function blobOf(key: KeyLike): Buffer | undefined {
  if (typeof key === 'object' && 'getPublicSSH' in key) return key.getPublicSSH();
  if (typeof key === 'object' && 'pubKey' in key) return blobOf(key.pubKey);
  const parsed = utils.parseKey(key);
  const one = Array.isArray(parsed) ? parsed[0] : parsed;
  return one instanceof Error || one === undefined ? undefined : one.getPublicSSH();
}

/** An agent that lists only the identities whose public key is in `allowed`; signing goes to the real agent. */
export class IdentityFilteringAgent extends BaseAgent {
  private readonly inner: BaseAgent;
  private listed: Promise<{ key: AgentKey; blob: Buffer }[]> | undefined;

  constructor(
    socket: string,
    private readonly allowed: readonly Buffer[],
  ) {
    super();
    this.inner = createAgent(socket);
  }

  /** The agent's keys that are allowed, with their public key blobs (asked once per connection attempt). */
  matchingKeys(): Promise<{ key: AgentKey; blob: Buffer }[]> {
    this.listed ??= new Promise((resolve, reject) => {
      this.inner.getIdentities((err, keys) => {
        if (err) return reject(err);
        const matching: { key: AgentKey; blob: Buffer }[] = [];
        for (const key of keys ?? []) {
          const blob = blobOf(key);
          if (blob !== undefined && this.allowed.some((a) => a.equals(blob))) matching.push({ key, blob });
        }
        resolve(matching);
      });
    });
    return this.listed;
  }

  getIdentities(cb: IdentityCallback): void {
    this.matchingKeys().then(
      (keys) => cb(undefined, keys.map((k) => k.key)),
      (err: unknown) => cb(err as Error),
    );
  }

  sign(pubKey: ParsedKey | Buffer | string, data: Buffer, options: unknown, cb?: SignCallback): void {
    const inner = this.inner as unknown as { sign(k: unknown, d: Buffer, o: unknown, c?: SignCallback): void };
    inner.sign(pubKey, data, options, cb);
  }
}
