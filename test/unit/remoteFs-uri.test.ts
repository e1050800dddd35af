// slurm://<profile>/<path> ↔ (profile, remote path): absolute paths, the login directory (~),
// spaces, quotes, unicode and percent signs survive a print → parse round trip.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRemoteFilesSettings } from '../../src/remoteFs/remoteFilesSettings';
import { remoteSshAuthority, remoteSshFolder } from '../../src/remoteFs/remoteSsh';
import { formatSlurmUri, locationOfUri, parseSlurmUri, profileForAuthority, remotePathOfUriPath, uriPartsOf, uriPathOfRemotePath } from '../../src/remoteFs/slurmUri';

describe('slurm:// URI mapping', () => {
  it('maps absolute and home-relative paths both ways', () => {
    assert.equal(remotePathOfUriPath('/home/alice/run 1'), '/home/alice/run 1');
    assert.equal(remotePathOfUriPath('/~'), '~');
    assert.equal(remotePathOfUriPath('/~/'), '~');
    assert.equal(remotePathOfUriPath('/~/a/b/'), '~/a/b');
    assert.equal(remotePathOfUriPath('/'), '/');
    assert.equal(remotePathOfUriPath(''), '/');
    assert.equal(uriPathOfRemotePath('~'), '/~');
    assert.equal(uriPathOfRemotePath('~/x y'), '/~/x y');
    assert.equal(uriPathOfRemotePath('/scratch//a/'), '/scratch/a');
    assert.equal(uriPathOfRemotePath('runs/7'), '/~/runs/7', 'a relative work dir is relative to the login directory');
  });

  it('never climbs above / or ~ with ..', () => {
    assert.equal(remotePathOfUriPath('/../../etc'), '/etc');
    assert.equal(remotePathOfUriPath('/~/../..'), '~');
    assert.equal(remotePathOfUriPath('/~/a/../../b'), '~/b');
  });

  it('round-trips hostile names through the printed form', () => {
    const names = ["/scratch/a b/it's \"q\" $(id) `x`.txt", '~/données/日本語/ü.out', '/tmp/100%/#hash?q', '~/-leading dash'];
    for (const remotePath of names) {
      const text = formatSlurmUri({ profile: 'hpc cluster', remotePath });
      assert.match(text, /^slurm:\/\/hpc%20cluster\//);
      assert.ok(!/[ "`$?#]/.test(text.slice('slurm://'.length)), `printed form is escaped: ${text}`);
      assert.deepEqual(parseSlurmUri(text), { profile: 'hpc cluster', remotePath });
    }
    assert.equal(formatSlurmUri({ profile: 'bundled', remotePath: '~/a' }), 'slurm://bundled/~/a');
    assert.equal(parseSlurmUri('file:///x'), undefined);
    assert.equal(parseSlurmUri('slurm://p/%E0%A4%A'), undefined, 'malformed escapes are refused, not thrown');
  });

  it('builds Uri parts and reads them back', () => {
    assert.deepEqual(uriPartsOf({ profile: 'bundled', remotePath: '~/w' }), { scheme: 'slurm', authority: 'bundled', path: '/~/w' });
    assert.deepEqual(locationOfUri({ authority: 'bundled', path: '/~/w' }), { profile: 'bundled', remotePath: '~/w' });
  });

  it('finds the profile of an authority VS Code lower-cased', () => {
    assert.equal(profileForAuthority('HPC', ['hpc', 'HPC']), 'HPC');
    assert.equal(profileForAuthority('bigiron', ['BigIron']), 'BigIron');
    assert.equal(profileForAuthority('other', ['BigIron']), undefined);
  });
});

describe('Remote-SSH folder and remote files settings', () => {
  it('names the host the way Remote-SSH does', () => {
    assert.equal(remoteSshAuthority({ host: 'login.hpc' }), 'ssh-remote+login.hpc');
    const hex = remoteSshAuthority({ host: '127.0.0.1', user: 'slurmuser', port: 2222 }).replace('ssh-remote+', '');
    assert.deepEqual(JSON.parse(Buffer.from(hex, 'hex').toString('utf8')), { hostName: '127.0.0.1', user: 'slurmuser', port: 2222 });
    assert.deepEqual(remoteSshFolder({ host: 'h' }, '/scratch/a b'), { scheme: 'vscode-remote', authority: 'ssh-remote+h', path: '/scratch/a b' });
    assert.equal(remoteSshFolder({ host: 'h' }, '~/x'), undefined, 'Remote-SSH does not expand ~');
  });

  it('validates slurm.remoteFiles.* with defaults for bad values', () => {
    assert.deepEqual(parseRemoteFilesSettings({}), { settings: { maxFileSizeMB: 50, watchIntervalSeconds: 10 }, problems: [] });
    const bad = parseRemoteFilesSettings({ maxFileSizeMB: 0, watchIntervalSeconds: 30 });
    assert.deepEqual(bad.settings, { maxFileSizeMB: 50, watchIntervalSeconds: 30 });
    assert.match(bad.problems[0] ?? '', /slurm\.remoteFiles\.maxFileSizeMB/);
  });
});
