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
