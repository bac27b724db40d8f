import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyChain } from '../../src/pki/verify.js';
import { issueCertificate } from '../../src/pki/issue.js';
import { AT, NA, NB, root, leaf } from './fixtures.js';

async function verdict(
  opts: { dnsNames?: string[]; ipAddresses?: string[]; subject?: string },
  host: string,
) {
  const ca = await root();
  const l = await issueCertificate({
    subject: opts.subject ?? 'CN=system:machine-config-server',
    notBefore: NB,
    notAfter: NA,
    issuer: ca,
    dnsNames: opts.dnsNames,
    ipAddresses: opts.ipAddresses,
  });
  return verifyChain({ chain: [l.cert], roots: [ca.cert], host, at: AT });
}

test('DNS SAN mismatch lists the DNS SANs', async () => {
  const r = await verdict({ dnsNames: ['api-int.other.example.com', 'api.other.example.com'] }, 'localhost');
  assert.equal(r.reason, 'hostname-mismatch');
  assert.equal(
    r.error,
    'x509: certificate is valid for api-int.other.example.com, api.other.example.com, not localhost',
  );
});

test('IP host without IP SANs (oracle case 5b)', async () => {
  const r = await verdict({ dnsNames: ['localhost'] }, '127.0.0.1');
  assert.equal(
    r.error,
    "x509: cannot validate certificate for 127.0.0.1 because it doesn't contain any IP SANs",
  );
});

test('IP host with other IP SANs lists the IP SANs in Go form', async () => {
  const r = await verdict({ ipAddresses: ['10.0.0.5', '2001:db8:0:0::1'] }, '192.168.0.9');
  assert.equal(r.error, 'x509: certificate is valid for 10.0.0.5, 2001:db8::1, not 192.168.0.9');
});

test('IP hosts match only IP SANs: a DNS SAN spelled like the IP does not count', async () => {
  const r = await verdict({ dnsNames: ['10.0.0.5'] }, '10.0.0.5');
  assert.equal(
    r.error,
    "x509: cannot validate certificate for 10.0.0.5 because it doesn't contain any IP SANs",
  );
  assert.equal((await verdict({ ipAddresses: ['10.0.0.5'] }, '10.0.0.5')).ok, true);
});

test('IPv6 SANs: bracketed and unbracketed hosts, any spelling of the address', async () => {
  for (const host of ['fd00::1', '[fd00::1]', 'fd00:0:0:0:0:0:0:1', 'FD00::1']) {
    assert.equal((await verdict({ ipAddresses: ['fd00::1'] }, host)).ok, true, host);
  }
  const r = await verdict({ ipAddresses: ['fd00::1'] }, '[fd00::2]');
  assert.equal(r.error, 'x509: certificate is valid for fd00::1, not fd00::2');
});

test('wildcards only as the whole leftmost label, one label deep', async () => {
  assert.equal((await verdict({ dnsNames: ['*.apps.example.com'] }, 'console.apps.example.com')).ok, true);
  assert.equal(
    (await verdict({ dnsNames: ['*.apps.example.com'] }, 'a.b.apps.example.com')).reason,
    'hostname-mismatch',
  );
  assert.equal(
    (await verdict({ dnsNames: ['*.apps.example.com'] }, 'apps.example.com')).reason,
    'hostname-mismatch',
  );
  assert.equal(
    (await verdict({ dnsNames: ['api*.example.com'] }, 'api1.example.com')).reason,
    'hostname-mismatch',
  );
});

test('case-insensitive and trailing dot on the host', async () => {
  assert.equal((await verdict({ dnsNames: ['API-INT.Example.com'] }, 'api-int.example.COM')).ok, true);
  assert.equal((await verdict({ dnsNames: ['api-int.example.com'] }, 'api-int.example.com.')).ok, true);
  // A trailing dot in the SAN is not a valid pattern: only an exact (case-folded) match works.
  assert.equal(
    (await verdict({ dnsNames: ['api-int.example.com.'] }, 'api-int.example.com')).reason,
    'hostname-mismatch',
  );
  assert.equal((await verdict({ dnsNames: ['api-int.example.com.'] }, 'api-int.example.com.')).ok, true);
});

test('no SAN extension and a matching CN: the legacy Common Name message', async () => {
  const r = await verdict({ subject: 'CN=api-int.example.com' }, 'api-int.example.com');
  assert.equal(r.error, 'x509: certificate relies on legacy Common Name field, use SANs instead');
});

test('no SAN extension and no matching CN: not valid for any names', async () => {
  const r = await verdict({ subject: 'CN=system:machine-config-server' }, 'api-int.example.com');
  assert.equal(
    r.error,
    'x509: certificate is not valid for any names, but wanted to match api-int.example.com',
  );
});

test('empty host skips the name check (no ServerName)', async () => {
  const ca = await root();
  const l = await leaf(ca, { dnsNames: ['x.example.com'] });
  assert.equal(verifyChain({ chain: [l.cert], roots: [ca.cert], host: '', at: AT }).ok, true);
});
