/**
 * The protocol-neutral side of BMC clocks: which protocol each Metal3 scheme is read with, how a
 * BMC is shown (never a user or password), and Redfish DateTime values as vendors write them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBmcAddress } from '../../src/metal3/bmc-address.js';
import { bmcDisplay, parseRedfishDateTime, protocolOf, withoutUserinfo } from '../../src/probes/bmc-clock.js';

test('every Redfish-family scheme is Redfish, ipmi/libvirt/bare are IPMI, the rest are neither', () => {
  const bases = [
    'redfish',
    'redfish-virtualmedia',
    'redfish-uefihttp',
    'ilo5-redfish',
    'ilo5-virtualmedia',
    'idrac-redfish',
    'idrac-virtualmedia',
  ];
  for (const base of bases) {
    for (const scheme of [base, `${base}+http`, `${base}+https`]) {
      assert.equal(protocolOf(parseBmcAddress(`${scheme}://10.0.0.1`)), 'redfish', scheme);
    }
  }
  for (const a of [
    'ipmi://10.0.0.1',
    'libvirt://10.0.0.1:6233',
    '10.0.0.1:623',
    '10.0.0.1',
    'ipmi:10.0.0.1',
  ]) {
    assert.equal(protocolOf(parseBmcAddress(a)), 'ipmi', a);
  }
  for (const a of [
    'ilo4://10.0.0.1',
    'ilo5://10.0.0.1',
    'irmc://10.0.0.1',
    'idrac://10.0.0.1',
    'ibmc://10.0.0.1',
  ]) {
    assert.equal(protocolOf(parseBmcAddress(a, { version: '4.12' })), null, a);
  }
});

test('a BMC is shown as scheme://host:port, IPv6 in brackets, never with its userinfo or path', () => {
  assert.equal(
    bmcDisplay(parseBmcAddress('redfish+http://admin:pw@10.0.0.1:8000/redfish/v1/Systems/1')),
    'redfish+http://10.0.0.1:8000',
  );
  assert.equal(
    bmcDisplay(parseBmcAddress('redfish://[fd00::5]/redfish/v1/Systems/1')),
    'redfish://[fd00::5]:443',
  );
  assert.equal(bmcDisplay(parseBmcAddress('10.0.0.1')), 'ipmi://10.0.0.1:623');
  assert.equal(
    withoutUserinfo("Unknown BMC type 'floppy' for address floppy://root:calvin@10.0.0.1/x"),
    "Unknown BMC type 'floppy' for address floppy://10.0.0.1/x",
  );
});

test('Redfish DateTime as vendors write it', () => {
  assert.equal(
    parseRedfishDateTime('2015-03-13T04:14:33+06:00')?.at.toISOString(),
    '2015-03-12T22:14:33.000Z',
  );
  assert.equal(parseRedfishDateTime('2024-08-29T10:32:59+02:00')?.note, undefined);
  assert.equal(
    parseRedfishDateTime('2026-12-03T08:00:00.250Z')?.at.toISOString(),
    '2026-12-03T08:00:00.250Z',
  );
  // Cisco UCS CMC: no ISO 8601, no zone: read as UTC, and said so
  const cisco = parseRedfishDateTime('Tue Nov 29 08:35:41 2022');
  assert.equal(cisco?.at.toISOString(), '2022-11-29T08:35:41.000Z');
  assert.match(cisco!.note!, /no UTC offset: read as UTC/);
  assert.equal(parseRedfishDateTime('2024-08-29T10:32:59')?.at.toISOString(), '2024-08-29T10:32:59.000Z');
  assert.equal(parseRedfishDateTime('soon'), undefined);
});
