import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ignitionAcceptsSpec,
  ignitionWrapsVerifyErrors,
  maxStableSpec,
  minimumIgnitionFor,
  parseIgnitionVersion,
} from '../../src/ignition/compat.js';

test('Ignition 2.14 accepts 3.0.0-3.3.0 and 3.4.0-experimental, refuses 3.4.0, 3.5.0 and spec 2', () => {
  for (const spec of ['3.0.0', '3.1.0', '3.2.0', '3.3.0', '3.4.0-experimental'])
    assert.equal(ignitionAcceptsSpec('2.14.0', spec), true, spec);
  for (const spec of ['3.4.0', '3.5.0', '3.3.0-experimental', '2.2.0', '2.4.0'])
    assert.equal(ignitionAcceptsSpec('2.14.0', spec), false, spec);
});

test('each stabilisation moves the window', () => {
  assert.equal(ignitionAcceptsSpec('2.15.0', '3.4.0'), true);
  assert.equal(ignitionAcceptsSpec('2.15.0', '3.4.0-experimental'), false);
  assert.equal(ignitionAcceptsSpec('2.19.1', '3.5.0'), false);
  assert.equal(ignitionAcceptsSpec('2.20.0', '3.5.0'), true);
  assert.equal(maxStableSpec('2.14.0'), '3.3.0');
  assert.equal(maxStableSpec('2.20.0'), '3.5.0');
  assert.equal(minimumIgnitionFor('3.4.0'), '2.15.0');
  assert.equal(minimumIgnitionFor('3.5.0'), '2.20.0');
});

test('version numbers: 2.x only, short forms normalised', () => {
  assert.equal(parseIgnitionVersion('2.14'), '2.14.0');
  assert.equal(parseIgnitionVersion('v2.20.1'), '2.20.1');
  assert.equal(parseIgnitionVersion('0.35.0'), undefined);
  assert.equal(parseIgnitionVersion('latest'), undefined);
});

test('Ignition built with Go >= 1.20 (2.16.0 on) wraps certificate errors in "tls: failed to verify certificate:"', () => {
  assert.equal(ignitionWrapsVerifyErrors('2.14.0'), false);
  assert.equal(ignitionWrapsVerifyErrors('2.15.0'), false);
  assert.equal(ignitionWrapsVerifyErrors('2.16.0'), true);
  assert.equal(ignitionWrapsVerifyErrors('2.20.0'), true);
});
