// An SFTP server without the `posix-rename@openssh.com` extension (some appliances and older or
// non-OpenSSH servers): uploads must still land atomically-enough through the plain-rename
// fallback. OpenSSH always offers the extension, so this server is a real one built on ssh2's own
// server API (the protocol is real: the product's ssh2 client talks to it over TCP on 127.0.0.1);
// it serves a temp folder and advertises no extension. Only the file operations the transport
// uses are implemented.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, fstatSync, mkdirSync, openSync, readSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync, writeSync, type Stats } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Server, utils, type Connection } from 'ssh2';
import { parseProfile } from '../../src/config/profile';
import { deps, emptySshConfig, sshTransport, tempDir } from './transport-support';

const { STATUS_CODE, flagsToString } = utils.sftp;

function attrsOf(st: Stats) {
  return { mode: st.mode, uid: st.uid, gid: st.gid, size: st.size, atime: Math.floor(st.atimeMs / 1000), mtime: Math.floor(st.mtimeMs / 1000) };
}

/** Serves `root` over SFTP (no extensions). Returns the port and a stop function. */
function startServer(root: string, clientKeyPublic: Buffer, hostKey: string): Promise<{ port: number; renames: string[]; stop(): void }> {
  const renames: string[] = [];
  const allowed = utils.parseKey(clientKeyPublic);
  if (allowed instanceof Error) throw allowed;
  const local = (p: string): string => join(root, p.replace(/^\/+/, ''));
  const server = new Server({ hostKeys: [hostKey] }, (client: Connection) => {
    client.on('authentication', (ctx) => {
      if (ctx.method === 'publickey' && ctx.key.algo === allowed.type && ctx.key.data.equals(allowed.getPublicSSH())) return ctx.accept();
      ctx.reject(['publickey']);
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('sftp', (acceptSftp) => {
          const sftp = acceptSftp();
          const handles = new Map<number, number>();
          let next = 0;
          const fail = (id: number, err: unknown): void => {
            const code = (err as NodeJS.ErrnoException).code === 'ENOENT' ? STATUS_CODE.NO_SUCH_FILE : STATUS_CODE.FAILURE;
            sftp.status(id, code, (err as Error).message);
          };
          const guard = (id: number, fn: () => void): void => {
            try {
              fn();
            } catch (err) {
              fail(id, err);
            }
          };
          sftp.on('OPEN', (id, path, flags) => guard(id, () => {
            const fd = openSync(local(path), flagsToString(flags) ?? 'r');
            const h = Buffer.alloc(4);
            h.writeUInt32BE(++next);
            handles.set(next, fd);
            sftp.handle(id, h);
          }));
          const fdOf = (h: Buffer): number => {
            const fd = handles.get(h.readUInt32BE(0));
            if (fd === undefined) throw new Error('bad handle');
            return fd;
          };
          sftp.on('WRITE', (id, h, offset, data) => guard(id, () => {
            writeSync(fdOf(h), data, 0, data.length, offset);
            sftp.status(id, STATUS_CODE.OK);
          }));
          sftp.on('READ', (id, h, offset, length) => guard(id, () => {
            const buf = Buffer.alloc(length);
            const n = readSync(fdOf(h), buf, 0, length, offset);
            if (n === 0) sftp.status(id, STATUS_CODE.EOF);
            else sftp.data(id, buf.subarray(0, n));
          }));
          sftp.on('FSTAT', (id, h) => guard(id, () => sftp.attrs(id, attrsOf(fstatSync(fdOf(h))))));
          sftp.on('CLOSE', (id, h) => guard(id, () => {
            closeSync(fdOf(h));
            handles.delete(h.readUInt32BE(0));
            sftp.status(id, STATUS_CODE.OK);
          }));
          for (const ev of ['STAT', 'LSTAT'] as const) sftp.on(ev, (id: number, path: string) => guard(id, () => sftp.attrs(id, attrsOf(statSync(local(path))))));
          sftp.on('MKDIR', (id, path) => guard(id, () => {
            mkdirSync(local(path));
            sftp.status(id, STATUS_CODE.OK);
          }));
          sftp.on('SETSTAT', (id, path, attrs) => guard(id, () => {
            if (attrs.mtime !== undefined) utimesSync(local(path), attrs.atime ?? attrs.mtime, attrs.mtime);
            sftp.status(id, STATUS_CODE.OK);
          }));
          sftp.on('REMOVE', (id, path) => guard(id, () => {
            unlinkSync(local(path));
            sftp.status(id, STATUS_CODE.OK);
          }));
          // SFTP v3 rename refuses an existing target, like OpenSSH's plain rename.
          sftp.on('RENAME', (id, from, to) => guard(id, () => {
            if (readdirSync(join(local(to), '..')).includes(to.split('/').pop() as string)) throw new Error('target exists');
            renameSync(local(from), local(to));
            renames.push(to);
            sftp.status(id, STATUS_CODE.OK);
          }));
          sftp.on('REALPATH', (id, path) => sftp.name(id, [{ filename: path, longname: path, attrs: {} as never }]));
        });
      });
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ port, renames, stop: () => server.close() });
    });
  });
}

describe('SFTP without posix-rename (a real SFTP server on ssh2, no extensions)', () => {
  const dir = tempDir('swb-norename-');
  const root = join(dir, 'root');
  let server: Awaited<ReturnType<typeof startServer>>;
  let keyFile: string;
  let knownHosts: string;

  before(async () => {
    mkdirSync(root);
    const client = utils.generateKeyPairSync('ed25519');
    const host = utils.generateKeyPairSync('ed25519');
    keyFile = join(dir, 'id_ed25519');
    writeFileSync(keyFile, client.private, { mode: 0o600 });
    server = await startServer(root, Buffer.from(client.public), host.private);
    knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, `[127.0.0.1]:${server.port} ${host.public}\n`);
  });
  after(() => {
    server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uploads (new and replacing), stamps, reads back; plain rename used, no temp file left', async () => {
    const parsed = parseProfile({ name: 'norename', kind: 'ssh', host: '127.0.0.1', port: server.port, user: 'tester', auth: 'key', identityFile: keyFile, knownHostsFile: knownHosts });
    assert.ok(parsed.ok);
    const t = sshTransport(parsed.profile, deps(), { sshConfig: emptySshConfig() });
    try {
      const stamp = Date.UTC(2025, 5, 6, 7, 8, 9);
      await t.writeFile('/jobs/a/run.sh', 'first\n', { mtimeMs: stamp });
      await t.writeFile('/jobs/a/run.sh', 'second\n', { mtimeMs: stamp });
      assert.equal(readFileSync(join(root, 'jobs/a/run.sh'), 'utf8'), 'second\n');
      assert.equal(statSync(join(root, 'jobs/a/run.sh')).mtimeMs, stamp);
      assert.equal((await t.readFile('/jobs/a/run.sh')).toString(), 'second\n');
      assert.deepEqual(readdirSync(join(root, 'jobs/a')), ['run.sh'], 'no temp file left');
      assert.deepEqual(server.renames, ['/jobs/a/run.sh', '/jobs/a/run.sh'], 'both uploads went through the plain-rename fallback');
    } finally {
      t.dispose();
    }
  });
});
