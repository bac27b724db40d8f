/**
 * A real IPMI BMC for the tests: OpenIPMI's `ipmi_sim` (Debian package openipmi), listening on
 * 127.0.0.1 with IPMI 2.0 (RMCP+) for one administrator, configured by a lan config and an emu
 * file in a private temporary directory. Its SEL clock starts as ipmi_sim starts it (a time stamp
 * counting from the BMC's start: a clock never set), and `Set SEL Time` sets it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const IPMI_SIM = '/usr/bin/ipmi_sim';
export const IPMITOOL = '/usr/bin/ipmitool';

export interface IpmiSim {
  host: string;
  port: number;
  username: string;
  password: string;
  /** `ipmitool ... raw` style access for assertions: the SEL time as ipmitool prints it. */
  selTime(): string;
  close(): Promise<void>;
}

/** Whether ipmi_sim and ipmitool are installed (the tests fail, not skip, without them: CI installs them). */
export function ipmiToolsInstalled(): boolean {
  return existsSync(IPMI_SIM) && existsSync(IPMITOOL);
}

async function freeUdpPort(host: string): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, host, () => resolve());
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

function ipmitool(sim: Pick<IpmiSim, 'host' | 'port' | 'username' | 'password'>, args: string[]) {
  return spawnSync(
    IPMITOOL,
    [
      '-I',
      'lanplus',
      '-H',
      sim.host,
      '-p',
      String(sim.port),
      '-U',
      sim.username,
      '-E',
      '-N',
      '1',
      '-R',
      '1',
      ...args,
    ],
    {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'], IPMI_PASSWORD: sim.password, TZ: 'UTC', LC_ALL: 'C' },
      timeout: 10_000,
    },
  );
}

/** Starts ipmi_sim on 127.0.0.1 and waits until it answers `sel time get`. */
export async function startIpmiSim(credentials: { username: string; password: string }): Promise<IpmiSim> {
  const host = '127.0.0.1';
  const dir = await mkdtemp(join(tmpdir(), 'mcs-doctor-ipmi-sim-'));
  const state = join(dir, 'state');
  await mkdir(state, { mode: 0o700 });
  const port = await freeUdpPort(host);
  const quote = (s: string): string => `"${s.replace(/["\\]/g, '')}"`;
  await writeFile(
    join(dir, 'lan.conf'),
    [
      'name "mcsdoctor"',
      'set_working_mc 0x20',
      '  startlan 1',
      `    addr ${host} ${port}`,
      '    priv_limit admin',
      '    allowed_auths_callback none md2 md5 straight',
      '    allowed_auths_user none md2 md5 straight',
      '    allowed_auths_operator none md2 md5 straight',
      '    allowed_auths_admin none md2 md5 straight',
      '    guid a123456789abcdefa123456789abcdef',
      '  endlan',
      `  user 2 true ${quote(credentials.username)} ${quote(credentials.password)} admin 10 none md2 md5 straight`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  await writeFile(
    join(dir, 'bmc.emu'),
    [
      'mc_setbmc 0x20',
      'mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr',
      'sel_enable 0x20 1000 0x0a',
      'mc_enable 0x20',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const child: ChildProcess = spawn(
    IPMI_SIM,
    ['-c', join(dir, 'lan.conf'), '-f', join(dir, 'bmc.emu'), '-s', state, '-n'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const sim: IpmiSim = {
    host,
    port,
    ...credentials,
    selTime: () => ipmitool(sim, ['sel', 'time', 'get']).stdout.trim(),
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) {
      await sim.close();
      throw new Error(`ipmi_sim exited (${child.exitCode}): ${stderr}`);
    }
    const r = ipmitool(sim, ['sel', 'time', 'get']);
    if (r.status === 0 && r.stdout.trim() !== '') return sim;
    if (Date.now() > deadline) {
      await sim.close();
      throw new Error(`ipmi_sim on ${host}:${port} does not answer: ${r.stderr} ${stderr}`);
    }
    await new Promise((res) => setTimeout(res, 200));
  }
}
