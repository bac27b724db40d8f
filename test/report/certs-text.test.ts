/**
 * The `certs` table as `oc get` prints one: kubectl's durations (apimachinery's HumanDuration,
 * the AGE column), its tabwriter's padding, common names, and `[key]#index` names.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CertRow } from '../../src/core/certs.js';
import { expiresIn, humanDuration, rowName, shortName, table } from '../../src/report/certs-text.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

test("durations as kubectl's AGE column writes them", () => {
  const cases: Array<[number, string]> = [
    [-2 * S, '<invalid>'],
    [-1 * S, '0s'],
    [0, '0s'],
    [59 * S, '59s'],
    [119 * S, '119s'],
    [2 * M, '2m'],
    [2 * M + S, '2m1s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M + 30 * S, '10m'],
    [179 * M, '179m'],
    [3 * H, '3h'],
    [3 * H + 30 * M, '3h30m'],
    [7 * H + 59 * M, '7h59m'],
    [8 * H + 30 * M, '8h'],
    [47 * H, '47h'],
    [48 * H, '2d'],
    [49 * H, '2d1h'],
    [7 * D + 23 * H, '7d23h'],
    [8 * D, '8d'],
    [729 * D, '729d'],
    [730 * D, '2y'],
    [731 * D, '2y1d'],
    [8 * 365 * D, '8y'],
    [3650 * D, '10y'],
  ];
  for (const [ms, text] of cases) assert.equal(humanDuration(ms), text, `${ms} ms`);
  assert.equal(expiresIn(12 * 86400), '12d');
  assert.equal(expiresIn(-2 * 86400 - 60), 'expired 2d ago');
  assert.equal(expiresIn(null), '<unknown>');
});

test('common names, the whole name without one', () => {
  assert.equal(shortName('CN=root-ca, OU=openshift'), 'root-ca');
  assert.equal(shortName('OU=openshift, CN=kube-csr-signer_@1631628807'), 'kube-csr-signer_@1631628807');
  assert.equal(shortName('CN=a\\, b, O=x'), 'a, b');
  assert.equal(shortName('O=Red Hat\\, Inc.'), 'O=Red Hat\\, Inc.');
  assert.equal(shortName(null), '<unknown>');
});

test('tabwriter padding: three spaces, six at least, the last column as is', () => {
  assert.equal(
    table(
      ['NAME', 'KIND', 'STATUS'],
      [
        ['a', 'Secret', 'ok'],
        ['longer-name', 'X', 'expired'],
      ],
    ),
    'NAME          KIND     STATUS\n' + 'a             Secret   ok\n' + 'longer-name   X        expired\n',
  );
});

test('bundle members are named [key]#index with --all-certs, [key] when an object has several keys', () => {
  const row = { name: 'bundle', key: 'ca-bundle.crt', index: 3, kind: 'ConfigMap' } as CertRow;
  assert.equal(rowName(row, true, false), 'bundle[ca-bundle.crt]#3');
  assert.equal(rowName({ ...row, index: 0 }, false, true), 'bundle[ca-bundle.crt]');
  assert.equal(rowName({ ...row, index: 0 }, false, false), 'bundle');
  assert.equal(rowName({ ...row, kind: 'UserData', key: 'userData', index: 1 }, false, false), 'bundle#1');
});
