/** The one flag grammar: durations as Go and kubectl write them, kubectl's boolean spelling, --resolve. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import {
  normaliseBooleanFlags,
  parseDuration,
  parsePositiveDuration,
  parseRequestTimeout,
  parseResolve,
} from '../../src/commands/flags.js';

test('durations: Go time.ParseDuration units, bare integers as seconds (kubectl --request-timeout), d for days', () => {
  const cases: [string, number][] = [
    ['0', 0],
    ['30', 30_000],
    ['30s', 30_000],
    ['1m', 60_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['300ms', 300],
    ['2m3s', 123_000],
    ['.5s', 500],
    ['30d', 30 * 86_400_000],
    ['1500us', 1.5],
  ];
  for (const [text, ms] of cases) assert.equal(parseDuration(text, '--x'), ms, text);
});

test('durations: what kubectl refuses is refused with the flag and an example', () => {
  for (const [text, why] of [
    ['-1', /is negative/],
    ['-1s', /is negative/],
    ['1.5', /a fraction needs a unit/],
    ['abc', /use a number and a unit/],
    ['', /use a number and a unit/],
    ['5x', /use a number and a unit/],
    ['1h 30m', /use a number and a unit/],
  ] as const) {
    assert.throws(
      () => parseRequestTimeout(text),
      (e: unknown) =>
        e instanceof InputError &&
        e.message.startsWith(`--request-timeout "${text}" is not a duration`) &&
        why.test(e.message) &&
        e.hint === 'write it as kubectl does: 30s, 5m, 1h30m, 0 (a bare number is seconds)',
      text,
    );
  }
  assert.throws(() => parsePositiveDuration('0s', '--interval'), /--interval "0s" must be longer than 0/);
});

test("kubectl's --flag=true|false is commander's --flag / --no-flag; other arguments are untouched", () => {
  const booleans = new Set(['insecure-skip-tls-verify', 'bmc', 'no-bmc', 'apply']);
  assert.deepEqual(
    normaliseBooleanFlags(
      ['diagnose', '--insecure-skip-tls-verify=true', '--bmc=false', '--apply=false', '--host=worker-0'],
      booleans,
    ),
    ['diagnose', '--insecure-skip-tls-verify', '--no-bmc', '--host=worker-0'],
  );
  assert.deepEqual(normaliseBooleanFlags(['explain', '--', '--apply=true'], booleans), [
    'explain',
    '--',
    '--apply=true',
  ]);
});

test('--resolve: HOST:IP and HOST:PORT:IP as curl, bad entries named', () => {
  assert.deepEqual(
    [...parseResolve(['API-INT.example.com:192.0.2.5', 'other:6443:192.0.2.6', 'v6:[fd00::5]'], 22623)!],
    [
      ['api-int.example.com', '192.0.2.5'],
      ['v6', 'fd00::5'],
    ],
  );
  assert.equal(parseResolve([], 22623), undefined);
  assert.throws(
    () => parseResolve(['h:not-an-ip'], 22623),
    /--resolve "h:not-an-ip": "not-an-ip" is not an IP address/,
  );
  assert.throws(() => parseResolve(['noport'], 22623), /--resolve "noport": expected HOST:IP/);
});
