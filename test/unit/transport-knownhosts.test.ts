// known_hosts parsing and host key decisions, against files and fingerprints produced by the real
// ssh-keygen (keys generated into a temp dir per run; `ssh-keygen -H` hashes them).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkHostKey,
  entryMatchesHost,
  formatKnownHostsLine,
  HostKeyError,
  hostKeyLookup,
  keyTypeOfBlob,
  parseKnownHosts,
  sha256Fingerprint,
  verifyHostKey,
} from '../../src/transport/knownHosts';

let dir: string;
const keys: Record<string, { blob: Buffer; line: string; fingerprint: string }> = {};

function keygen(name: string, type: string): void {
  const file = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', name, '-f', file]);
  const pub = readFileSync(`${file}.pub`, 'utf8').trim();
  const [, b64] = pub.split(' ');
  // ssh-keygen -lf prints "256 SHA256:xxx comment (ED25519)"
  const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`], { encoding: 'utf8' }).split(' ')[1];
  keys[name] = { blob: Buffer.from(b64, 'base64'), line: pub.split(' ').slice(0, 2).join(' '), fingerprint };
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'swb-kh-'));
  keygen('a', 'ed25519');
  keygen('b', 'ed25519');
  keygen('c', 'ecdsa');
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('known_hosts', () => {
  it('computes the same SHA256 fingerprint and key type as ssh-keygen', () => {
    assert.equal(sha256Fingerprint(keys.a.blob), keys.a.fingerprint);
    assert.equal(keyTypeOfBlob(keys.a.blob), 'ssh-ed25519');
    assert.equal(keyTypeOfBlob(keys.c.blob), 'ecdsa-sha2-nistp256');
  });

  it('matches plain, [host]:port, wildcard and negated patterns', () => {
    const text = [
      '# comment',
      `login.example.org,10.0.0.5 ${keys.a.line}`,
      `[127.0.0.1]:2222 ${keys.b.line}`,
      `*.cluster.org,!evil.cluster.org ${keys.c.line}`,
      'garbage line',
    ].join('\n');
    const entries = parseKnownHosts(text);
    assert.equal(entries.length, 3);
    assert.ok(entryMatchesHost(entries[0], 'login.example.org', 22));
    assert.ok(entryMatchesHost(entries[0], '10.0.0.5', 22));
    assert.ok(!entryMatchesHost(entries[0], 'login.example.org', 2222), 'a non-22 port needs the [host]:port form');
    assert.ok(entryMatchesHost(entries[1], '127.0.0.1', 2222));
    assert.ok(!entryMatchesHost(entries[1], '127.0.0.1', 22));
    assert.ok(entryMatchesHost(entries[2], 'node1.cluster.org', 22));
    assert.ok(!entryMatchesHost(entries[2], 'evil.cluster.org', 22));
  });

  it('matches entries hashed by ssh-keygen -H, plain and [host]:port', () => {
    const file = join(dir, 'known_hosts_hashed');
    writeFileSync(file, `login.example.org ${keys.a.line}\n[127.0.0.1]:2222 ${keys.b.line}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file]);
    const entries = parseKnownHosts(readFileSync(file, 'utf8'));
    assert.equal(entries.length, 2);
    assert.ok(entries.every((e) => e.hosts.startsWith('|1|')), 'ssh-keygen -H hashed every entry');
    const files = [{ path: file, entries }];
    assert.deepEqual(checkHostKey(files, 'login.example.org', 22, keys.a.blob).kind, 'known');
    assert.deepEqual(checkHostKey(files, '127.0.0.1', 2222, keys.b.blob).kind, 'known');
    assert.deepEqual(checkHostKey(files, '127.0.0.1', 22, keys.b.blob).kind, 'unknown');
    assert.deepEqual(checkHostKey(files, 'other.example.org', 22, keys.a.blob).kind, 'unknown');
  });

  it('reports a changed key with the recorded fingerprint, and other key types as unknown', () => {
    const entries = parseKnownHosts(`[127.0.0.1]:2222 ${keys.a.line}\n`);
    const files = [{ path: '/x/known_hosts', entries }];
    const changed = checkHostKey(files, '127.0.0.1', 2222, keys.b.blob);
    assert.equal(changed.kind, 'changed');
    assert.equal(changed.kind === 'changed' && changed.knownFingerprint, keys.a.fingerprint);
    const other = checkHostKey(files, '127.0.0.1', 2222, keys.c.blob);
    assert.deepEqual(other, { kind: 'unknown', otherKeyTypes: ['ssh-ed25519'] });
  });

  it('refuses @revoked keys', () => {
    const entries = parseKnownHosts(`@revoked * ${keys.a.line}\n[h]:2 ${keys.a.line}\n`);
    assert.equal(checkHostKey([{ path: 'f', entries }], 'h', 2, keys.a.blob).kind, 'revoked');
  });

  it('writes lines OpenSSH can find, plain and hashed (checked with ssh-keygen -F)', () => {
    const file = join(dir, 'written');
    writeFileSync(file, `${formatKnownHostsLine('127.0.0.1', 2222, keys.a.blob)}\n${formatKnownHostsLine('login.example.org', 22, keys.b.blob, true)}\n`);
    const found1 = execFileSync('ssh-keygen', ['-F', '[127.0.0.1]:2222', '-f', file], { encoding: 'utf8' });
    assert.match(found1, /ssh-ed25519/);
    const found2 = execFileSync('ssh-keygen', ['-F', 'login.example.org', '-f', file], { encoding: 'utf8' });
    assert.match(found2, /ssh-ed25519/);
  });
});

describe('verifyHostKey', () => {
  it('asks for an unknown key with its SHA256 fingerprint and records an accepted one', async () => {
    const file = join(dir, 'kh-accept');
    const asked: string[] = [];
    await verifyHostKey({
      host: '127.0.0.1',
      port: 2222,
      keyBlob: keys.a.blob,
      knownHostsFiles: [file],
      confirmUnknown: async (host, port, type, fp) => {
        asked.push(`${host}:${port} ${type} ${fp}`);
        return true;
      },
    });
    assert.deepEqual(asked, [`127.0.0.1:2222 ssh-ed25519 ${keys.a.fingerprint}`]);
    // Second time: known, no question.
    await verifyHostKey({ host: '127.0.0.1', port: 2222, keyBlob: keys.a.blob, knownHostsFiles: [file], confirmUnknown: async () => assert.fail('asked twice') });
    assert.match(readFileSync(file, 'utf8'), /^\[127\.0\.0\.1\]:2222 ssh-ed25519 /);
  });

  it('refuses when the user declines, and writes nothing', async () => {
    const file = join(dir, 'kh-decline');
    await assert.rejects(
      verifyHostKey({ host: 'h', port: 22, keyBlob: keys.a.blob, knownHostsFiles: [file], confirmUnknown: async () => false }),
      (err: unknown) => err instanceof HostKeyError && err.message.includes(keys.a.fingerprint),
    );
    assert.throws(() => readFileSync(file));
  });

  it('refuses a changed key without asking; the error names both fingerprints and ssh-keygen -R', async () => {
    const file = join(dir, 'kh-changed');
    writeFileSync(file, `[127.0.0.1]:2222 ${keys.a.line}\n`);
    await assert.rejects(
      verifyHostKey({ host: '127.0.0.1', port: 2222, keyBlob: keys.b.blob, knownHostsFiles: [file], confirmUnknown: async () => assert.fail('must not ask') }),
      (err: unknown) => {
        assert.ok(err instanceof HostKeyError);
        assert.match(err.message, /HOST KEY CHANGED/);
        assert.ok(err.message.includes(keys.b.fingerprint));
        assert.ok(err.message.includes(keys.a.fingerprint));
        assert.ok(err.hint?.includes(`ssh-keygen -R '[127.0.0.1]:2222' -f '${file}'`));
        return true;
      },
    );
  });
});

describe('system-wide files, HostKeyAlias, @cert-authority, @revoked', () => {
  const never = async (): Promise<boolean> => assert.fail('must not ask');

  it('a key trusted only in a global file is known; nothing is written anywhere', async () => {
    const user = join(dir, 'kh-user-empty');
    const global = join(dir, 'kh-global');
    writeFileSync(global, `[127.0.0.1]:2222 ${keys.a.line}\n`);
    await verifyHostKey({ host: '127.0.0.1', port: 2222, keyBlob: keys.a.blob, knownHostsFiles: [user], globalKnownHostsFiles: [join(dir, 'absent'), global], confirmUnknown: never });
    assert.throws(() => readFileSync(user), 'the user file was not created');
    assert.equal(readFileSync(global, 'utf8'), `[127.0.0.1]:2222 ${keys.a.line}\n`);
  });

  it('a mismatch in a global file is HOST KEY CHANGED, with a hint for the system-wide list', async () => {
    const global = join(dir, 'kh-global-other');
    writeFileSync(global, `[127.0.0.1]:2222 ${keys.a.line}\n`);
    await assert.rejects(
      verifyHostKey({ host: '127.0.0.1', port: 2222, keyBlob: keys.b.blob, knownHostsFiles: [join(dir, 'kh-none')], globalKnownHostsFiles: [global], confirmUnknown: never }),
      (err: unknown) => {
        assert.ok(err instanceof HostKeyError);
        assert.match(err.message, new RegExp(`HOST KEY CHANGED.*${global}:1`));
        assert.match(err.hint ?? '', /system-wide list/);
        return true;
      },
    );
  });

  it('an unreadable global file is skipped like OpenSSH does; an unreadable user file is an error', async () => {
    // A directory cannot be read as a file (EISDIR) even by root.
    await verifyHostKey({ host: 'h', port: 22, keyBlob: keys.a.blob, knownHostsFiles: [join(dir, 'kh-u2')], globalKnownHostsFiles: [dir], confirmUnknown: async () => true });
    await assert.rejects(verifyHostKey({ host: 'h', port: 22, keyBlob: keys.a.blob, knownHostsFiles: [dir], confirmUnknown: async () => true }), /EISDIR/);
  });

  it('HostKeyAlias: looked up and recorded under the bare alias (no port), as OpenSSH does', async () => {
    assert.deepEqual(hostKeyLookup('10.0.0.5', 2222, 'login.cluster'), { host: 'login.cluster', port: 22 });
    assert.deepEqual(hostKeyLookup('10.0.0.5', 2222), { host: '10.0.0.5', port: 2222 });
    const file = join(dir, 'kh-alias');
    writeFileSync(file, `[10.0.0.5]:2222 ${keys.b.line}\n`);
    // The host:port entry (another key) does not matter under the alias: unknown, asked, recorded.
    await verifyHostKey({ host: '10.0.0.5', port: 2222, keyBlob: keys.a.blob, knownHostsFiles: [file], hostKeyAlias: 'login.cluster', confirmUnknown: async () => true });
    assert.equal(readFileSync(file, 'utf8').split('\n')[1], `login.cluster ${keys.a.line}`);
    const found = execFileSync('ssh-keygen', ['-F', 'login.cluster', '-f', file], { encoding: 'utf8' });
    assert.match(found, /ssh-ed25519/);
    await verifyHostKey({ host: '10.0.0.5', port: 2222, keyBlob: keys.a.blob, knownHostsFiles: [file], hostKeyAlias: 'login.cluster', confirmUnknown: never });
    await assert.rejects(
      verifyHostKey({ host: '10.0.0.5', port: 2222, keyBlob: keys.b.blob, knownHostsFiles: [join(dir, 'kh-alias-2')], globalKnownHostsFiles: [file], hostKeyAlias: 'login.cluster', confirmUnknown: never }),
      (err: unknown) => err instanceof HostKeyError && /HOST KEY CHANGED for \[10\.0\.0\.5\]:2222 \(HostKeyAlias login\.cluster\)/.test(err.message),
    );
  });

  it('@cert-authority covering the host: refused with the ssh-keyscan fix, never offered as unknown', async () => {
    const file = join(dir, 'kh-ca');
    writeFileSync(file, `@cert-authority *.cluster.org ${keys.c.line}\n`);
    const check = checkHostKey([{ path: file, entries: parseKnownHosts(readFileSync(file, 'utf8')) }], 'login.cluster.org', 22, keys.a.blob);
    assert.deepEqual(check, { kind: 'cert-authority', file, line: 1 });
    await assert.rejects(
      verifyHostKey({ host: 'login.cluster.org', port: 2200, keyBlob: keys.a.blob, knownHostsFiles: [join(dir, 'kh-ca-user')], globalKnownHostsFiles: [file], hostKeyAlias: 'login.cluster.org', confirmUnknown: never }),
      (err: unknown) => {
        assert.ok(err instanceof HostKeyError);
        assert.match(err.message, new RegExp(`@cert-authority in ${file}:1.*cannot check SSH host certificates`));
        assert.ok(err.message.includes(keys.a.fingerprint));
        assert.ok(err.hint?.includes('`ssh-keyscan -t ssh-ed25519 -p 2200 login.cluster.org`'), err.hint);
        assert.match(err.hint ?? '', /host field replaced by login\.cluster\.org/);
        return true;
      },
    );
    // A plain key for the host still wins over the CA line; a host the CA does not cover is just unknown.
    const both = parseKnownHosts(`@cert-authority *.cluster.org ${keys.c.line}\nlogin.cluster.org ${keys.a.line}\n`);
    assert.equal(checkHostKey([{ path: file, entries: both }], 'login.cluster.org', 22, keys.a.blob).kind, 'known');
    assert.equal(checkHostKey([{ path: file, entries: both }], 'elsewhere.org', 22, keys.a.blob).kind, 'unknown');
  });

  it('@revoked in any file refuses the key, even one the user file trusts', async () => {
    const user = join(dir, 'kh-rev-user');
    const global = join(dir, 'kh-rev-global');
    writeFileSync(user, `h ${keys.a.line}\n`);
    writeFileSync(global, `@revoked * ${keys.a.line}\n`);
    await assert.rejects(
      verifyHostKey({ host: 'h', port: 22, keyBlob: keys.a.blob, knownHostsFiles: [user], globalKnownHostsFiles: [global], confirmUnknown: never }),
      (err: unknown) => err instanceof HostKeyError && err.message.includes(`@revoked in ${global}:1`),
    );
  });
});
