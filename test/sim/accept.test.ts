import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseSpecVersion } from '../../src/sim/mcs/accept.js';

// Rows follow detectSpecVersionFromAcceptHeader in the MCO's pkg/server/api.go.
const TABLE: Array<[string | undefined, number, string | 400]> = [
  [undefined, 5, '2.2.0'], // curl without Accept
  ['', 5, '2.2.0'],
  ['*/*', 5, '2.2.0'],
  ['not a media type', 5, '2.2.0'],
  ['application/vnd.coreos.ignition+json', 5, '2.2.0'], // Ignition entry without a version
  ['application/vnd.coreos.ignition+json;version=3.3.0, */*;q=0.1', 5, '3.3.0'], // Ignition 2.14
  ['application/vnd.coreos.ignition+json;version=3.4.0, */*;q=0.1', 5, '3.4.0'],
  ['application/vnd.coreos.ignition+json;version=3.6.0, */*;q=0.1', 5, '3.5.0'], // newer than the server: capped
  ['application/vnd.coreos.ignition+json;version=3.4.0, */*;q=0.1', 2, '3.2.0'], // older OpenShift's maximum
  ['application/vnd.coreos.ignition+json;version=3.1.0', 5, '3.1.0'],
  ['application/vnd.coreos.ignition+json;version=3.0.0', 5, 400],
  ['application/vnd.coreos.ignition+json;version=2.4.0', 5, '2.2.0'],
  ['application/vnd.coreos.ignition+json;version=2.1.0', 5, 400],
  ['application/vnd.coreos.ignition+json;version=4.0.0', 5, 400],
  ['application/vnd.coreos.ignition+json;version=3', 5, '2.2.0'], // not semver: treated as no version
  // Ignition v0.x style: the q=0.5 entry with an invalid version is ignored, 2.4.0 wins.
  [
    'application/vnd.coreos.ignition+json; version=2.4.0, application/vnd.coreos.ignition+json; version=1; q=0.5, */*; q=0.1',
    5,
    '2.2.0',
  ],
  // Sorted by q: the 3.2 entry (q=1 by default) beats the 2.2 entry with q=0.9.
  [
    'application/vnd.coreos.ignition+json;version=2.2.0;q=0.9, application/vnd.coreos.ignition+json;version=3.2.0',
    5,
    '3.2.0',
  ],
  // An unsupported first choice falls through to a supported later one.
  [
    'application/vnd.coreos.ignition+json;version=4.0.0, application/vnd.coreos.ignition+json;version=3.2.0;q=0.5',
    5,
    '3.2.0',
  ],
];

for (const [accept, max, expected] of TABLE) {
  test(`Accept ${JSON.stringify(accept)} with max 3.${max} -> ${expected}`, () => {
    const choice = chooseSpecVersion(accept, max);
    if (expected === 400) {
      assert.equal(choice.ok, false);
      assert.match(choice.ok ? '' : choice.error, /^unsupported Ignition version in Accept header: /);
    } else {
      assert.deepEqual(choice, { ok: true, version: expected });
    }
  });
}
