/**
 * What inspection reports for a simulated machine (status.hardware). The system facts match the
 * DMTF public-rackmount1 mockup its BMC serves (Contoso 3500, serial 437XR1138R2); the NIC is the
 * boot NIC with the address the host will use.
 */
import type { SimHost } from '../../context.js';
import type { BmhHardware } from './bmh.js';

/** A stable locally-administered MAC for a host index when the BMH has no bootMACAddress. */
export function macForIndex(index: number): string {
  const bytes = [0x52, 0x54, 0x00, (index >> 16) & 0xff, (index >> 8) & 0xff, index & 0xff];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

export function inspectHardware(machine: SimHost, bootMac: string | undefined): BmhHardware {
  const mac = (bootMac ?? macForIndex(machine.seed.index)).toLowerCase();
  return hardwareInventory({
    hostname: machine.seed.hostname,
    ip: machine.ip,
    mac,
    index: machine.seed.index,
  });
}

/** The inventory of one simulated machine; the scenario seeds and the BMO's inspection share it. */
export function hardwareInventory(m: {
  hostname: string;
  ip: string;
  mac: string;
  index: number;
}): BmhHardware {
  return {
    cpu: {
      arch: 'x86_64',
      clockMegahertz: 2100,
      count: 40,
      flags: ['aes', 'avx', 'avx2', 'avx512f', 'sse4_2', 'vmx'],
      model: 'Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz',
    },
    firmware: { bios: { date: '12/06/2017', vendor: 'Contoso', version: 'P79 v1.45 (12/06/2017)' } },
    hostname: m.hostname,
    nics: [
      {
        ip: m.ip,
        mac: m.mac,
        model: '0x8086 0x1572',
        name: 'eno1',
        pxe: true,
        speedGbps: 10,
        vlanId: 0,
      },
    ],
    ramMebibytes: 196608,
    storage: [
      {
        hctl: '0:0:0:0',
        model: 'INTEL SSDSC2KB48',
        name: '/dev/sda',
        rotational: false,
        serialNumber: `BTYF${String(m.index).padStart(6, '0')}480BGN`,
        sizeBytes: 480103981056,
        type: 'SSD',
        vendor: 'ATA',
      },
    ],
    systemVendor: { manufacturer: 'Contoso', productName: '3500', serialNumber: '437XR1138R2' },
  };
}
