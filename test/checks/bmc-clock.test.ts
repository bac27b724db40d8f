/**
 * bmc-clock: a clock is wrong only when it is off from the real time (this machine's clock, or
 * the must-gather's time offline) by more than the tolerance and that offset is what puts it
 * outside the serving certificate's validity. A right clock next to an expired certificate
 * passes. Offsets are printed by one formatter everywhere.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import {
  clockOffsetText,
  CLOCK_TOLERANCE_MS,
  formatClockOffset,
  judgeClock,
} from '../../src/checks/facts/clock.js';
import type { Facts, HostClock } from '../../src/checks/facts/index.js';
import { bmcClock } from '../../src/checks/rules/bmc-clock.js';
import { issueCertificate, type IssuedCert } from '../../src/pki/issue.js';
import { DAY, factsOf, MCO, provisioningHost, tlsSecret } from './facts-of.js';

const now = new Date('2026-11-20T10:00:00Z');
const at = (days: number): Date => new Date(now.getTime() + days * DAY);
let valid: IssuedCert;
let expired: IssuedCert;

before(async () => {
  const ca = await issueCertificate({
    subject: 'CN=root-ca, OU=openshift',
    notBefore: at(-3650),
    notAfter: at(3650),
    isCA: true,
    keyAlgorithm: 'ecdsa-p256',
  });
  const leaf = (notBefore: number, notAfter: number) =>
    issueCertificate({
      subject: 'CN=api-int.c.example.com',
      issuer: ca,
      dnsNames: ['api-int.c.example.com'],
      notBefore: at(notBefore),
      notAfter: at(notAfter),
      keyAlgorithm: 'ecdsa-p256',
    });
  valid = await leaf(-30, 335);
  expired = await leaf(-400, -2);
});

/** Facts for one provisioning host, with its BMC clock read `offsetMs` from the reference time. */
async function withBmcClock(
  serving: IssuedCert,
  offsetMs: number,
  kind: 'live' | 'must-gather' = 'live',
): Promise<Facts> {
  const facts = await factsOf({
    objects: [provisioningHost('worker-0'), tlsSecret(MCO, 'machine-config-server-tls', serving)],
    now,
    kind,
  });
  const bmcTime = new Date(now.getTime() + offsetMs);
  const dateTime = bmcTime.toISOString().replace(/\.\d+Z$/, '+00:00');
  const clock: HostClock = {
    at: bmcTime,
    source: 'bmc',
    detail: `BMC /redfish/v1/Managers/1 DateTime ${dateTime}`,
    bmc: { ok: true, manager: '/redfish/v1/Managers/1', dateTime, bmcTime, offsetMs },
  };
  return { ...facts, clockOf: () => clock };
}

const lines = (facts: Facts): string[] => bmcClock.run(facts).map((f) => `${f.status} ${f.message}`);

test('one formatter for clock offsets, in the largest readable unit', () => {
  assert.equal(formatClockOffset(0), '+0s');
  assert.equal(formatClockOffset(-42_000), '-42s');
  assert.equal(formatClockOffset(15 * 60_000), '+15m');
  assert.equal(formatClockOffset(-5 * 3_600_000), '-5h');
  assert.equal(formatClockOffset(-94_608_000_000), '-1095d');
  assert.equal(clockOffsetText(-94_608_000_000, 'live'), '-1095d from this machine');
  assert.equal(clockOffsetText(180_000, 'must-gather'), '+3m from the must-gather time');
});

test('a right clock next to an expired certificate passes: the certificate is at fault', async () => {
  const facts = await withBmcClock(expired, 0);
  const findings = bmcClock.run(facts);
  assert.deepEqual(lines(facts), [
    'pass worker-0: BMC clock 2026-11-20T10:00:00+00:00 (+0s from this machine): clock right; the certificate itself is expired: see mcs-serving-cert',
  ]);
  assert.equal(findings[0]!.cause, undefined);
  // Within the tolerance is still right.
  assert.equal(bmcClock.run(await withBmcClock(expired, CLOCK_TOLERANCE_MS - 1000))[0]!.status, 'pass');
});

test('a clock 3 years behind a valid certificate is wrong: worker-clock-skew', async () => {
  const facts = await withBmcClock(valid, -1095 * DAY);
  const [f] = bmcClock.run(facts);
  assert.equal(f!.status, 'fail');
  assert.equal(f!.cause, 'worker-clock-skew');
  assert.equal(
    f!.message,
    'worker-0: BMC clock 2023-11-21T10:00:00+00:00 (-1095d from this machine), outside the serving certificate validity (before it: CN=api-int.c.example.com is valid 2026-10-21T10:00:00Z to 2027-10-21T10:00:00Z), which includes this machine: the clock is wrong',
  );
});

test('inside the validity: pass when right, warn when it drifts', async () => {
  assert.deepEqual(lines(await withBmcClock(valid, 2000)), [
    'pass worker-0: BMC clock 2026-11-20T10:00:02+00:00 (+2s from this machine), inside the serving certificate validity',
  ]);
  assert.deepEqual(lines(await withBmcClock(valid, 10 * 60_000)), [
    'warn worker-0: BMC clock 2026-11-20T10:10:00+00:00 (+10m from this machine), inside the serving certificate validity, but off from this machine',
  ]);
});

test('both wrong: the certificate first, and the clock too when it is behind', async () => {
  const [f] = bmcClock.run(await withBmcClock(expired, -1095 * DAY));
  assert.equal(f!.status, 'warn');
  assert.match(
    f!.message,
    /\(-1095d from this machine\): the clock is off, and the certificate is expired at this machine too \(see mcs-serving-cert\); a certificate renewed now would not be valid at this clock either/,
  );
});

test('offline, the reference is the must-gather time, never "this machine" or "now"', async () => {
  const facts = await factsOf({
    objects: [provisioningHost('worker-0'), tlsSecret(MCO, 'machine-config-server-tls', valid)],
    now,
    kind: 'must-gather',
    options: { hostClock: at(-1095) },
  });
  const [f] = bmcClock.run(facts);
  assert.equal(f!.status, 'fail');
  assert.match(
    f!.message,
    /^worker-0: clock 2023-11-21T10:00:00Z \(--host-clock\) \(-1095d from the must-gather time\), outside .*which includes the must-gather time: the clock is wrong$/,
  );
  assert.doesNotMatch(f!.message, /\bnow\b|this machine/);
});

test('judgeClock: the offset must be what puts the clock outside the validity', () => {
  const chain = [valid.cert];
  assert.equal(judgeClock(chain, at(-1095), now).verdict, 'clock-wrong');
  assert.equal(judgeClock(chain, now, now).verdict, 'inside');
  assert.equal(judgeClock([expired.cert], now, now).verdict, 'certificate-outside');
  assert.equal(judgeClock([expired.cert], at(-1095), now).verdict, 'both');
  assert.equal(judgeClock([], at(-1095), now).verdict, 'no-certificate');
});
