import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BmcAddressError, parseBmcAddress } from '../../src/metal3/bmc-address.js';

describe('parseBmcAddress', () => {
  const ok: [string, Partial<ReturnType<typeof parseBmcAddress>>][] = [
    ['192.168.122.1', { type: 'ipmi', host: '192.168.122.1', port: 623, driver: 'ipmi', redfish: false }],
    ['my.favoritebmc.com', { type: 'ipmi', host: 'my.favoritebmc.com', port: 623 }],
    ['192.168.122.1:6233', { type: 'ipmi', host: '192.168.122.1', port: 6233 }],
    ['[fe80::fc33:62ff:fe83:8a76]:6233', { type: 'ipmi', host: 'fe80::fc33:62ff:fe83:8a76', port: 6233 }],
    ['ipmi://192.168.122.1:6233', { type: 'ipmi', host: '192.168.122.1', port: 6233 }],
    ['ipmi:192.168.122.1', { type: 'ipmi', host: '192.168.122.1', port: 623 }],
    ['libvirt://192.168.122.1:6233/?abc=def', { type: 'libvirt', driver: 'ipmi', port: 6233, path: '/' }],
    [
      'redfish://192.168.122.1',
      {
        type: 'redfish',
        redfish: true,
        transport: 'https',
        port: 443,
        redfishAddress: 'https://192.168.122.1',
      },
    ],
    [
      'redfish:192.168.122.1',
      { type: 'redfish', host: '192.168.122.1', redfishAddress: 'https://192.168.122.1' },
    ],
    [
      'redfish+http://192.168.122.1:8000/redfish/v1/Systems/1',
      {
        scheme: 'redfish+http',
        transport: 'http',
        port: 8000,
        redfishAddress: 'http://192.168.122.1:8000',
        systemId: '/redfish/v1/Systems/1',
        bootInterface: 'ipxe',
      },
    ],
    ['redfish+https://bmc.example.com/redfish/v1/', { transport: 'https', systemId: undefined, port: 443 }],
    [
      'redfish://[fe80::fc33:62ff:fe83:8a76]:8080/foo',
      {
        host: 'fe80::fc33:62ff:fe83:8a76',
        port: 8080,
        redfishAddress: 'https://[fe80::fc33:62ff:fe83:8a76]:8080',
      },
    ],
    [
      'redfish-virtualmedia://192.168.122.1/redfish/v1/Systems/437XR1138R2',
      { type: 'redfish-virtualmedia', driver: 'redfish', bootInterface: 'redfish-virtual-media' },
    ],
    ['ilo5-redfish://192.168.122.1', { driver: 'redfish', redfish: true }],
    ['ilo5-virtualmedia+https://192.168.122.1', { bootInterface: 'redfish-virtual-media' }],
    ['idrac-redfish://192.168.122.1', { driver: 'idrac', redfish: true, bootInterface: 'ipxe' }],
    ['idrac-virtualmedia://192.168.122.1', { driver: 'idrac', bootInterface: 'idrac-redfish-virtual-media' }],
    ['ilo4://192.168.122.1', { driver: 'ilo', redfish: false, port: undefined }],
    ['ilo4-virtualmedia+https://192.168.122.1:8443', { driver: 'ilo', port: 8443 }],
    ['ilo5://192.168.122.1', { driver: 'ilo5', redfish: false }],
    ['irmc://192.168.122.1', { driver: 'irmc', redfish: false, port: undefined }],
  ];
  for (const [address, expected] of ok) {
    it(`reads ${address}`, () => {
      const access = parseBmcAddress(address);
      for (const [field, value] of Object.entries(expected)) {
        assert.deepEqual(access[field as keyof typeof access], value, `${field} of ${address}`);
      }
    });
  }

  const bad: [string, string, RegExp][] = [
    ['', 'empty', /^missing BMC address$/],
    ['foo://192.168.122.1', 'unknown-type', /^Unknown BMC type 'foo' for address foo:\/\/192\.168\.122\.1$/],
    ['redfish+ftp://192.168.122.1', 'unknown-type', /^Unknown BMC type 'redfish\+ftp'/],
    ['ilo4+http://192.168.122.1', 'unknown-type', /Unknown BMC type 'ilo4\+http'/],
    [
      'my-.examplehost.com',
      'parse',
      /^failed to parse BMC address information: BMC address hostname\/IP : \[my-\.examplehost\.com\] is invalid$/,
    ],
    ['[fe80::fc33:62ff:fe83:8a76]', 'parse', /^failed to parse BMC address information: parse "\[fe80::/],
    ['[fe80::fc33:62ff:fe33:8xff]:6223', 'parse', /hostname\/IP : \[fe80::fc33:62ff:fe33:8xff\] is invalid/],
    ['redfish://fe80::1/redfish/v1', 'parse', /is invalid/],
  ];
  for (const [address, kind, message] of bad) {
    it(`rejects ${JSON.stringify(address)}`, () => {
      assert.throws(
        () => parseBmcAddress(address),
        (err: unknown) => err instanceof BmcAddressError && err.kind === kind && message.test(err.message),
      );
    });
  }

  it('knows which schemes each release ships', () => {
    assert.equal(parseBmcAddress('idrac://192.168.122.1', { version: '4.12' }).driver, 'idrac');
    assert.equal(parseBmcAddress('ibmc+http://192.168.122.1', { version: '4.12' }).transport, 'http');
    assert.throws(
      () => parseBmcAddress('idrac://192.168.122.1', { version: '4.16' }),
      /Unknown BMC type 'idrac'/,
    );
    assert.throws(
      () => parseBmcAddress('redfish-uefihttp://10.0.0.1', { version: '4.16' }),
      /Unknown BMC type/,
    );
    const uefi = parseBmcAddress('redfish-uefihttp://10.0.0.1', { version: '4.19' });
    assert.equal(uefi.bootInterface, 'redfish-https');
    assert.equal(uefi.systemId, '');
  });
});
