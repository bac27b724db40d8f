/**
 * Putting the MCS CA first in a pointer config: one CA is replaced (as oc does), several keep
 * the others behind it (oc and the 4.19 rotator refuse those), none gets one. The result is read
 * back with the pointer parser diagnose uses, so what a host would trust is what is asserted.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { parsePointer } from '../../../src/ignition/pointer.js';
import { issueCertificate, type IssuedCert } from '../../../src/pki/issue.js';
import { caDataUrl, trustFirst } from '../../../src/remedies/steps/user-data.js';
import { StepFailed } from '../../../src/remedies/types.js';

const URL_ = 'https://192.0.2.5:22623/config/worker';
let mcsCa: IssuedCert;
let rootCa: IssuedCert;
let ownCa: IssuedCert;

function ca(subject: string): Promise<IssuedCert> {
  const notBefore = new Date('2026-01-01T00:00:00Z');
  return issueCertificate({
    subject,
    notBefore,
    notAfter: new Date('2036-01-01T00:00:00Z'),
    isCA: true,
    keyUsage: ['digitalSignature', 'keyCertSign'],
  });
}

function pointer(cas: IssuedCert[] | undefined): Record<string, unknown> {
  return {
    ignition: {
      version: '3.2.0',
      config: { merge: [{ source: URL_ }] },
      ...(cas
        ? {
            security: { tls: { certificateAuthorities: cas.map((c) => ({ source: caDataUrl(c.certPem) })) } },
          }
        : {}),
    },
  };
}

/** The CA subjects the pointer trusts, in order, as diagnose reads them. */
function trusted(config: Record<string, unknown>): string[] {
  return parsePointer(JSON.stringify(config), 'test').certificateAuthorities.flatMap((c) =>
    c.certs.map((x) => x.subject),
  );
}

const target = () => ({ pem: mcsCa.certPem, fingerprint: mcsCa.cert.fingerprintSha256 });

before(async () => {
  [mcsCa, rootCa, ownCa] = await Promise.all([
    ca('CN=mcs-ca'),
    ca('CN=root-ca, OU=openshift'),
    ca('CN=Own CA'),
  ]);
});

describe('trustFirst', () => {
  test('one CA: replaced by the MCS CA, as oc does', () => {
    const config = pointer([rootCa]);
    assert.equal(trustFirst(config, target()), 'replaced its CA with the CA');
    assert.deepEqual(trusted(config), ['CN=mcs-ca']);
  });

  test('several CAs: the MCS CA first, every other kept in its order', () => {
    const config = pointer([rootCa, ownCa]);
    assert.equal(trustFirst(config, target()), 'put the CA first and kept its 2 other CA(s)');
    assert.deepEqual(trusted(config), ['CN=mcs-ca', 'CN=root-ca, OU=openshift', 'CN=Own CA']);
  });

  test('several CAs, the MCS CA among them: moved first, not repeated', () => {
    const config = pointer([ownCa, mcsCa]);
    assert.equal(trustFirst(config, target()), 'put the CA first and kept its 1 other CA(s)');
    assert.deepEqual(trusted(config), ['CN=mcs-ca', 'CN=Own CA']);
  });

  test('no CA of its own: the MCS CA is added, the URL untouched', () => {
    const config = pointer(undefined);
    assert.equal(trustFirst(config, target()), 'added the CA (the pointer trusted no CA of its own)');
    assert.deepEqual(trusted(config), ['CN=mcs-ca']);
    assert.equal(parsePointer(JSON.stringify(config), 'test').sources[0]?.url, URL_);
  });

  test('not an Ignition config: refused, nothing written', () => {
    const config: Record<string, unknown> = { storage: {} };
    const r = trustFirst(config, target());
    assert.ok(r instanceof StepFailed);
    assert.match(r.message, /no ignition section/);
    assert.deepEqual(config, { storage: {} });
  });
});
