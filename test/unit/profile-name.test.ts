// The name Add Cluster Profile suggests (issue 18: it suggested "127" for 127.0.0.1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suggestProfileName } from '../../src/config/profileName';

test('an ssh_config alias is suggested as written', () => {
  assert.equal(suggestProfileName({ host: 'hpc-login', fromSshConfig: true }), 'hpc-login');
  assert.equal(suggestProfileName({ host: 'bundled.cluster', fromSshConfig: true }), 'bundled.cluster');
});

test("a host name gives its first label", () => {
  assert.equal(suggestProfileName({ host: 'login.hpc.example.org' }), 'login');
  assert.equal(suggestProfileName({ host: 'login01' }), 'login01');
});

test('an IP address is never cut to its first octet', () => {
  assert.equal(suggestProfileName({ host: '127.0.0.1' }), 'cluster-127-0-0-1');
  assert.equal(suggestProfileName({ host: '10.2.3.4', user: 'alice' }), 'alice@10.2.3.4');
  assert.equal(suggestProfileName({ host: '::1' }), 'cluster-1');
  assert.equal(suggestProfileName({ host: '[fe80::1]' }), 'cluster-fe80-1');
  // A numeric first label of a name is no better than an octet.
  assert.equal(suggestProfileName({ host: '42.example.org' }), 'cluster-42-example-org');
});

test('a name already taken gets a number', () => {
  assert.equal(suggestProfileName({ host: 'login.a.org' }, ['login']), 'login-2');
  assert.equal(suggestProfileName({ host: '127.0.0.1' }, ['cluster-127-0-0-1', 'cluster-127-0-0-1-2']), 'cluster-127-0-0-1-3');
});
