// Remote files (issue 19 point 5) against the real cluster: the file system behind slurm:// URIs
// (src/remoteFs/remoteFiles.ts) over ssh with SFTP, over ssh where SFTP cannot work (the login's
// sshd started again on a spare port without the sftp subsystem, and with the external sftp-server
// for a login whose .bashrc prints — both go through plain commands), and over the local transport.
// Each lists, reads, writes, renames and deletes hostile names (spaces, quotes, $(…), unicode),
// and a file changed on the cluster behind our back is refused until the write is forced.
// The variants need root (they start sshd) and the 22.05 bed's login variants.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '../../src/core/logger';
import { ConflictError } from '../../src/remoteFs/conflict';
import { RemoteFiles, RemoteFsError } from '../../src/remoteFs/remoteFiles';
import { LocalTransport } from '../../src/transport/localTransport';
import type { Transport } from '../../src/transport/types';
import { readBed } from './bed';
import { nativeClusterOnly } from './devcontainerSkip';
import { readLoginVariants, variantBed } from './loginVariants';
import { bedProfile, deps, emptySshConfig, sshTransport, tempDir } from './transport-support';

const LOGIN_SSHD_CONF = '/etc/slurm-workbench/sshd-login.conf';
const variantsSkip = nativeClusterOnly('starts its own sshd next to the native login node') || (!existsSync(LOGIN_SSHD_CONF) ? `${LOGIN_SSHD_CONF} is missing (native bed not up)` : false);

const HOSTILE = ["it's \"q\" $(touch pwned) `id` a b.txt", 'données 日本 ü.out'];

interface Case {
  name: string;
  open(): { transport: Transport; lines?: string[] };
  /** Whether file operations must have gone through commands (SFTP unusable). */
  viaCommands?: boolean;
  skip?: string | false;
}

/** One scenario on one transport; `changeBehindOurBack` rewrites a file as another writer would. */
async function scenario(transport: Transport, changeBehindOurBack: (path: string, text: string) => Promise<void>): Promise<void> {
  const files = new RemoteFiles({ transportFor: (p) => (p === 'x' ? transport : undefined), timeoutMs: () => 30_000, maxReadBytes: () => 8 * 1024 * 1024 });
  const root = `~/.swb-remote-fs-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const at = (p: string) => ({ profile: 'x', remotePath: p === '' ? root : `${root}/${p}` });
  const kind = (k: string) => (e: unknown) => e instanceof RemoteFsError && e.kind === k;
  try {
    await assert.rejects(files.stat(at('')), kind('FileNotFound'));
    await files.createDirectory(at(''));
    await files.createDirectory(at('sub $(x) dir'));
    for (const name of HOSTILE) await files.writeFile(at(`sub $(x) dir/${name}`), Buffer.from(`content of ${name}\n`), { create: true, overwrite: false });
    const big = Buffer.alloc(3 * 1024 * 1024 + 7, 0xab);
    await files.writeFile(at('big.bin'), big, { create: true, overwrite: false });

    const top = await files.readDirectory(at(''));
    assert.deepEqual(top.map((e) => `${e.name}:${e.type}`).sort(), ['big.bin:file', 'sub $(x) dir:dir']);
    assert.equal(top.find((e) => e.name === 'big.bin')?.size, big.length);
    const sub = await files.readDirectory(at('sub $(x) dir'));
    assert.deepEqual(sub.map((e) => e.name).sort(), [...HOSTILE].sort());
    for (const name of HOSTILE) assert.equal(Buffer.from(await files.readFile(at(`sub $(x) dir/${name}`))).toString(), `content of ${name}\n`);
    assert.ok(Buffer.from(await files.readFile(at('big.bin'))).equals(big), 'a 3 MB file reads back byte-exact');
    await assert.rejects(files.readDirectory(at('big.bin')), kind('FileNotADirectory'));
    await assert.rejects(files.readFile(at('missing')), kind('FileNotFound'));

    // Rename: refused over an existing name unless asked, then done; the old name is gone.
    const [first, second] = HOSTILE as [string, string];
    await assert.rejects(files.rename(at(`sub $(x) dir/${first}`), at(`sub $(x) dir/${second}`), false), kind('FileExists'));
    await files.rename(at(`sub $(x) dir/${first}`), at(`renamed 'x' $(y).txt`), false);
    assert.equal(Buffer.from(await files.readFile(at(`renamed 'x' $(y).txt`))).toString(), `content of ${first}\n`);
    await assert.rejects(files.stat(at(`sub $(x) dir/${first}`)), kind('FileNotFound'));
    await files.rename(at('sub $(x) dir'), at('moved dir'), false);
    assert.deepEqual((await files.readDirectory(at('moved dir'))).map((e) => e.name), [second]);

    // Conflict: read, the file changes on the cluster, our save is refused; forced, it goes through.
    const mine = at(`renamed 'x' $(y).txt`);
    await files.readFile(mine);
    await files.writeFile(mine, Buffer.from('my edit 1\n'), { create: false, overwrite: true });
    await changeBehindOurBack(mine.remotePath, 'changed on the cluster\n');
    await assert.rejects(files.writeFile(mine, Buffer.from('my edit 2\n'), { create: false, overwrite: true }), ConflictError);
    assert.equal(Buffer.from(await transport.readFile(mine.remotePath)).toString(), 'changed on the cluster\n', 'the refused save changed nothing');
    await files.writeFile(mine, Buffer.from('my edit 2\n'), { create: false, overwrite: true, force: true });
    assert.equal((await transport.readFile(mine.remotePath)).toString(), 'my edit 2\n');

    // Delete: a non-empty folder only when recursive.
    await assert.rejects(files.delete(at('moved dir'), false), /not empty/);
    await files.delete(at('moved dir'), true);
    await files.delete(mine, false);
    assert.deepEqual((await files.readDirectory(at(''))).map((e) => e.name), ['big.bin']);
    const pwned = await transport.stat('~/pwned');
    assert.equal(pwned, undefined, 'no name was run as a command');
  } finally {
    await transport.remove(root).catch(() => undefined);
  }
}

/** Another writer: a shell command on the cluster that rewrites the file and moves its mtime a minute on. */
function shellChange(transport: Transport) {
  return async (path: string, text: string): Promise<void> => {
    const rel = path.startsWith('~/') ? path.slice(2) : path;
    const r = await transport.exec(['sh', '-c', 'printf %s "$2" > "$1" && touch -d "@$(( $(date +%s) + 60 ))" -- "$1"', 'swb-change', rel, text]);
    assert.equal(r.code, 0, r.stderr);
  };
}

describe('remote files over the real cluster', () => {
  const bed = readBed();
  const dir = tempDir('swb-remote-fs-');
  const knownHosts = join(dir, 'known_hosts');
  const servers = [
    { port: 2261, subsystem: undefined as string | undefined },
    { port: 2262, subsystem: '/usr/lib/openssh/sftp-server' },
  ];
  const noisy = variantsSkip ? undefined : readLoginVariants('22.05').variants.find((v) => v.name === 'swbanner');
  const opened: Transport[] = [];

  before(() => {
    if (variantsSkip) return;
    const base = readFileSync(LOGIN_SSHD_CONF, 'utf8').split('\n').filter((l) => !/^\s*(Port|PidFile|Subsystem)\b/i.test(l));
    const hostLine = readFileSync(bed.knownHostsFile, 'utf8').split('\n').find((l) => l.startsWith(`[${bed.sshHost}]:${bed.sshPort} `));
    assert.ok(hostLine, 'the bed known_hosts has the login host key');
    const lines: string[] = [];
    for (const s of servers) {
      const conf = join(dir, `sshd-${s.port}.conf`);
      writeFileSync(conf, [...base, `Port ${s.port}`, `PidFile ${join(dir, `sshd-${s.port}.pid`)}`, ...(s.subsystem ? [`Subsystem sftp ${s.subsystem}`] : [])].join('\n'));
      execFileSync('/usr/sbin/sshd', ['-f', conf, '-E', join(dir, `sshd-${s.port}.log`)]);
      lines.push(hostLine.replace(`[${bed.sshHost}]:${bed.sshPort} `, `[${bed.sshHost}]:${s.port} `));
    }
    writeFileSync(knownHosts, `${lines.join('\n')}\n`);
  });

  after(() => {
    for (const t of opened) t.dispose();
    for (const s of servers) {
      const pidFile = join(dir, `sshd-${s.port}.pid`);
      if (existsSync(pidFile)) execFileSync('kill', [readFileSync(pidFile, 'utf8').trim()]);
    }
  });

  const ssh = (target: typeof bed, port?: number) => () => {
    const d = deps();
    const t = sshTransport(bedProfile(port === undefined ? target : { ...target, sshPort: port, knownHostsFile: knownHosts }), d, { sshConfig: emptySshConfig() });
    opened.push(t);
    return { transport: t, lines: d.lines };
  };
  const cases: Case[] = [
    { name: 'ssh with SFTP', open: ssh(bed) },
    { name: 'ssh without an sftp subsystem (commands)', open: ssh(bed, 2261), viaCommands: true, skip: variantsSkip },
    { name: 'ssh, external sftp-server and a .bashrc that prints (commands)', open: noisy ? ssh(variantBed(bed, noisy), 2262) : ssh(bed), viaCommands: true, skip: variantsSkip || (!noisy && 'the swbanner login variant is missing') },
  ];

  for (const c of cases) {
    it(c.name, { skip: c.skip }, async () => {
      const { transport, lines = [] } = c.open();
      await scenario(transport, shellChange(transport));
      const fellBack = lines.some((l) => l.includes('SFTP does not work on this login'));
      assert.equal(fellBack, c.viaCommands === true, c.viaCommands ? 'went through commands' : 'stayed on SFTP');
    });
  }

  it('local transport', async () => {
    const home = tempDir('swb-remote-fs-local-');
    const t = new LocalTransport({ home, logger: new Logger() });
    opened.push(t);
    try {
      await scenario(t, async (path, text) => {
        const file = t.resolvePath(path);
        writeFileSync(file, text);
        execFileSync('touch', ['-d', `@${Math.floor(Date.now() / 1000) + 60}`, '--', file]);
      });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
