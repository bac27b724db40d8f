/** Redfish error messages are the DMTF Base registry's own words. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { errorBody, message, MESSAGES, type MessageKey } from '../../../src/sim/redfish/errors.js';
import { MOCKUP_DIR } from './helpers.js';

test('every Base.1.5.0 message matches the registry the mockup ships', async () => {
  const registry = JSON.parse(await readFile(join(MOCKUP_DIR, 'Registries', 'Base.1.5.0.json'), 'utf8'));
  const keys = Object.keys(MESSAGES) as MessageKey[];
  let checked = 0;
  for (const key of keys) {
    const def = MESSAGES[key];
    if (def.registry !== 'Base.1.5.0') continue;
    const entry = registry.Messages[key];
    assert.ok(entry, `${key} is in Base.1.5.0`);
    assert.equal(def.text, entry.Message, key);
    assert.equal(def.severity, entry.Severity, key);
    assert.equal(def.resolution, entry.Resolution, key);
    checked++;
  }
  assert.ok(checked >= 15);
  assert.equal(
    registry.Messages.PropertyValueConflict,
    undefined,
    'PropertyValueConflict is newer than 1.5.0',
  );
});

test('an error body names its first message and carries all of them', () => {
  const body = errorBody(
    message('PropertyValueFormatError', ['x', 'DateTime']),
    message('PropertyUnknown', ['Colour']),
  );
  assert.equal(body.error.code, 'Base.1.5.0.PropertyValueFormatError');
  assert.equal(
    body.error.message,
    'The value x for the property DateTime is of a different format than the property can accept.',
  );
  assert.deepEqual(
    body.error['@Message.ExtendedInfo'].map((m) => m.Message),
    [
      'The value x for the property DateTime is of a different format than the property can accept.',
      'The property Colour is not in the list of valid properties for the resource.',
    ],
  );
});
