/** Redfish DateTime and DateTimeLocalOffset parsing and display. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatRedfishDateTime,
  parseLocalOffset,
  parseRedfishDateTime,
} from '../../../src/sim/redfish/datetime.js';

test('DateTime with an offset names one instant', () => {
  const cases: Array<[string, string]> = [
    ['2015-03-13T04:14:33+06:00', '2015-03-12T22:14:33.000Z'],
    ['2026-11-23T10:00:00Z', '2026-11-23T10:00:00.000Z'],
    ['2026-11-23T10:00:00.25-05:30', '2026-11-23T15:30:00.250Z'],
    ['2024-02-29T23:59:59+00:00', '2024-02-29T23:59:59.000Z'],
    ['0099-01-01T00:00:00Z', '0099-01-01T00:00:00.000Z'],
  ];
  for (const [value, iso] of cases) assert.equal(parseRedfishDateTime(value)?.toISOString(), iso, value);
});

test('values that are not Redfish DateTimes are refused', () => {
  for (const value of [
    '',
    'Tue Nov 29 08:35:41 2022',
    '2026-11-23T10:00:00',
    '2026-11-23 10:00:00Z',
    '2025-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-11-23T24:00:00Z',
    '2026-11-23T10:60:00Z',
    '2026-11-23T10:00:00+15:00',
    '2026-11-23T10:00:00+0600',
  ]) {
    assert.equal(parseRedfishDateTime(value), undefined, value);
  }
});

test('DateTimeLocalOffset follows the schema pattern', () => {
  assert.equal(parseLocalOffset('+06:00'), 360);
  assert.equal(parseLocalOffset('-05:30'), -330);
  assert.equal(parseLocalOffset('+00:00'), 0);
  for (const bad of ['06:00', '+6:00', '+06:60', 'Asia/Shanghai', '+20:00']) {
    assert.equal(parseLocalOffset(bad), undefined, bad);
  }
});

test('an instant is shown as wall time at the offset, whole seconds', () => {
  const instant = new Date('2026-11-23T04:00:00.999Z');
  assert.equal(formatRedfishDateTime(instant, '+06:00'), '2026-11-23T10:00:00+06:00');
  assert.equal(formatRedfishDateTime(instant, '-05:00'), '2026-11-22T23:00:00-05:00');
  assert.equal(formatRedfishDateTime(instant, '+00:00'), '2026-11-23T04:00:00+00:00');
  const shown = formatRedfishDateTime(instant, '+05:45');
  assert.equal(shown, '2026-11-23T09:45:00+05:45');
  assert.equal(parseRedfishDateTime(shown)?.toISOString(), '2026-11-23T04:00:00.000Z');
});
