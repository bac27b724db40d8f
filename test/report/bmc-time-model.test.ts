/**
 * The bmc-time row's words: SKEW as kubectl prints ages (k8s.io/apimachinery
 * duration.HumanDuration, with a sign) and Go's x509 errors shortened for the VERIFIES cell.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatSkew, humanDuration, shortGoError } from '../../src/report/bmc-time-model.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

test('humanDuration agrees with kubectl (apimachinery duration_test.go cases)', () => {
  const cases: Array<[number, string]> = [
    [1 * S, '1s'],
    [70 * S, '70s'],
    [190 * S, '3m10s'],
    [70 * M, '70m'],
    [47 * 60 * M, '47h'],
    [49 * 60 * M, '2d1h'],
    [(8 * 24 + 2) * H, '8d'],
    [367 * 24 * H, '367d'],
    [(365 * 2 * 24 + 25) * H, '2y1d'],
    [(365 * 8 * 24 + 2) * H, '8y'],
    [0, '0s'],
    [9 * M, '9m'],
    [5 * H + 3 * M, '5h3m'],
    [3 * 365 * D + 12 * D, '3y12d'],
    [56 * 365 * D, '56y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms} ms`);
});

test('SKEW: signed, rounded to the second', () => {
  assert.equal(formatSkew(0), '0s');
  assert.equal(formatSkew(400), '0s');
  assert.equal(formatSkew(-600), '-1s');
  assert.equal(formatSkew(-2 * M), '-2m');
  assert.equal(formatSkew(H - 400), '+60m');
  assert.equal(formatSkew(-(3 * 365 + 12) * D), '-3y12d');
  assert.equal(formatSkew(10 * 365 * D), '+10y');
});

test("VERIFIES: Go's error, shortened", () => {
  assert.equal(
    shortGoError(
      'x509: certificate has expired or is not yet valid: current time 2023-11-25T03:35:58Z is before 2025-10-20T03:35:33Z',
    ),
    'not yet valid (current time before 2025-10-20T03:35:33Z)',
  );
  assert.equal(
    shortGoError(
      'x509: certificate has expired or is not yet valid: current time 2036-11-25T03:35:58Z is after 2035-10-20T03:35:33Z',
    ),
    'expired (current time after 2035-10-20T03:35:33Z)',
  );
  assert.equal(
    shortGoError(
      'x509: certificate signed by unknown authority (possibly because of "crypto/rsa: verification error" while trying to verify candidate authority certificate "root-ca")',
    ),
    'certificate signed by unknown authority',
  );
  const long = shortGoError(
    'x509: certificate is valid for api-int.a-very-long-cluster-name.example.com, api.a-very-long-cluster-name.example.com, not 192.168.111.5',
  );
  assert.ok(long.length <= 72 && long.endsWith('…'), long);
});
