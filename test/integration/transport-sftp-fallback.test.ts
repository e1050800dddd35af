// SFTP that cannot work, on a real sshd: the login's own sshd configuration started again on spare
// loopback ports with (a) OpenSSH's external `sftp-server` — sshd runs it through the user's login
// shell, so a ~/.bashrc that prints corrupts the stream, as at many sites — and (b) no sftp
// subsystem at all. Uploads, downloads, stat and mkdir then go through plain commands, byte-exact,
// stamped, with no temp file left, and the log says once what is wrong and how to fix it.
// Needs root (starts sshd) and the 22.05 bed's login variants (the noisy user swbanner).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBed } from './bed';
import { readLoginVariants, variantBed } from './loginVariants';
import { bedProfile, deps, emptySshConfig, sshTransport, tempDir } from './transport-support';
import { nativeClusterOnly } from './devcontainerSkip';

const LOGIN_SSHD_CONF = '/etc/slurm-workbench/sshd-login.conf';
const skip = nativeClusterOnly('starts its own sshd next to the native login node') || (!existsSync(LOGIN_SSHD_CONF) ? `${LOGIN_SSHD_CONF} is missing (native bed not up)` : false);

describe('file operations where SFTP cannot work', { skip }, () => {
  const bed = readBed();
  const variants = readLoginVariants('22.05');
  const noisy = variants.variants.find((v) => v.name === 'swbanner');
  const dir = tempDir('swb-sftp-fallback-');
  const servers: { name: string; port: number; subsystem: string | undefined }[] = [
    { name: 'external sftp-server', port: 2251, subsystem: '/usr/lib/openssh/sftp-server' },
    { name: 'no sftp subsystem', port: 2252, subsystem: undefined },
  ];
  const knownHosts = join(dir, 'known_hosts');

  before(() => {
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
    for (const s of servers) {
      const pidFile = join(dir, `sshd-${s.port}.pid`);
      if (existsSync(pidFile)) execFileSync('kill', [readFileSync(pidFile, 'utf8').trim()]);
    }
  });

  for (const s of servers) {
    for (const who of ['slurmuser', 'swbanner'] as const) {
      if (s.subsystem && who === 'slurmuser') continue; // a quiet login with sftp-server simply works: covered elsewhere
      it(`${s.name}, ${who === 'swbanner' ? 'a login whose .bashrc prints' : 'a quiet login'}: write, stat, read, mkdir work through commands`, async () => {
        const target = who === 'swbanner' && noisy ? variantBed(bed, noisy) : bed;
        const d = deps();
        const t = sshTransport(bedProfile({ ...target, sshPort: s.port, knownHostsFile: knownHosts }), d, { sshConfig: emptySshConfig() });
        const folder = `.swb-sftp-fallback-${process.pid}`;
        try {
          const bytes = Buffer.from([0, 1, 2, 0xff, 0x0a, 0x27, 0x24]);
          const name = `${folder}/sub dir/it's $(x).bin`;
          const stamp = Date.UTC(2024, 0, 2, 3, 4, 5);
          await t.writeFile(`~/${name}`, bytes, { mtimeMs: stamp });
          assert.deepEqual([...(await t.readFile(`~/${name}`))], [...bytes]);
          assert.deepEqual(await t.stat(`~/${name}`), { size: bytes.length, mtimeMs: stamp, isDirectory: false });
          assert.equal(await t.stat(`~/${folder}/missing`), undefined);
          await t.mkdirp(`~/${folder}/a/b`);
          assert.equal((await t.stat(`~/${folder}/a/b`))?.isDirectory, true);
          await assert.rejects(t.readFile(`~/${folder}/missing`), /Could not read/);
          const left = await t.exec(['find', folder, '-name', '*.tmp']);
          assert.equal(left.stdout, '', 'no temp file left');
          const warnings = d.lines.filter((l) => l.includes('SFTP does not work on this login'));
          assert.equal(warnings.length, 1, 'said once');
          assert.match(warnings[0] ?? '', /startup file/);
        } finally {
          await t.remove(`~/${folder}`).catch(() => undefined);
          t.dispose();
        }
      });
    }
  }
});
