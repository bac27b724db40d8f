import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRFC3339 } from '../../src/pki/gotime.js';
import { goQuote } from '../../src/pki/goquote.js';
import { ipToString, parseIP } from '../../src/pki/ip.js';

test('RFC3339 as Go prints it: UTC, no fractional seconds (truncated)', () => {
  assert.equal(formatRFC3339(new Date('2026-11-23T20:00:00.999Z')), '2026-11-23T20:00:00Z');
  assert.equal(formatRFC3339(new Date('2020-01-31T00:00:00Z')), '2020-01-31T00:00:00Z');
});

test('net.ParseIP rules: no leading zeros, no zones, IPv6 with embedded IPv4', () => {
  assert.equal(parseIP('010.0.0.1'), undefined);
  assert.equal(parseIP('fe80::1%eth0'), undefined);
  assert.equal(parseIP('api-int.example.com'), undefined);
  assert.equal(parseIP('1.2.3'), undefined);
  assert.equal(ipToString(parseIP('::ffff:10.0.0.1') as Buffer), '10.0.0.1');
  assert.equal(ipToString(parseIP('2001:DB8:0:0:1:0:0:1') as Buffer), '2001:db8::1:0:0:1');
  assert.equal(ipToString(parseIP('::') as Buffer), '::');
  assert.equal(ipToString(parseIP('1:0:2:0:3:0:4:0') as Buffer), '1:0:2:0:3:0:4:0');
});

test('%q quoting', () => {
  assert.equal(goQuote('root "ca"\n'), '"root \\"ca\\"\\n"');
  assert.equal(goQuote('café'), '"café"');
});
