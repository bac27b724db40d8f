import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { apiServerCertificate, apiServerNote } from '../../src/openshift/api-server.js';
import { issueCertificate, type IssuedCert } from '../../src/pki/issue.js';

const NB = new Date('2026-01-01T00:00:00Z');
const NA = new Date('2027-01-01T00:00:00Z');
let mcsLeaf: IssuedCert;
let serviceLeaf: IssuedCert;

before(async () => {
  const mcsCa = await issueCertificate({
    subject: 'CN=root-ca, OU=openshift',
    notBefore: NB,
    notAfter: NA,
    isCA: true,
  });
  mcsLeaf = await issueCertificate({
    subject: 'CN=system:machine-config-server',
    issuer: mcsCa,
    dnsNames: ['api-int.c.example.com'],
    notBefore: NB,
    notAfter: NA,
  });
  const svcSigner = await issueCertificate({
    subject: 'CN=some-other-signer',
    notBefore: NB,
    notAfter: NA,
    isCA: true,
  });
  serviceLeaf = await issueCertificate({
    subject: 'CN=172.30.0.1',
    issuer: svcSigner,
    dnsNames: [
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      'kubernetes.default.svc.cluster.local',
    ],
    notBefore: NB,
    notAfter: NA,
  });
});

test('the MCS certificate on 22623 is not the API server', () => {
  assert.equal(apiServerCertificate(mcsLeaf.cert), undefined);
  assert.equal(apiServerNote(22623, mcsLeaf.cert), undefined);
});

test('port 6443 is named the API server even when its certificate says nothing', () => {
  const note = apiServerNote(6443, mcsLeaf.cert);
  assert.match(
    note ?? '',
    /^this endpoint is the Kubernetes API server.*port 6443 is the Kubernetes API server's/,
  );
});

test("a certificate naming the kubernetes service is the API server's, on any port", () => {
  assert.match(apiServerCertificate(serviceLeaf.cert) ?? '', /names kubernetes, the Kubernetes API service/);
  assert.match(apiServerNote(8443, serviceLeaf.cert) ?? '', /Kubernetes API server/);
});

test('22623 answered by the API server: the load balancer forwards the wrong backends', () => {
  assert.match(apiServerNote(22623, serviceLeaf.cert) ?? '', /load balancer or VIP forwards 22623/);
});
