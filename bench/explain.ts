/**
 * `explain` throughput on a generated journal beside `grep -cE` with the same patterns on the
 * same file, and explain's peak RSS (from /usr/bin/time -f %M). Run alone:
 * `node --import tsx bench/explain.ts [sizeMb]` (needs `npm run build` first).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LINE_MARKERS } from '../src/ignition/log-scan.js';
// The journal has no MCS lines, so explain uses LINE_MARKERS alone (markersFor).

// BENCH_CLI overrides the entry point (e.g. to time a build of another branch).
const CLI =
  process.env.BENCH_CLI ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli', 'main.js');

/** The line markers explain's pre-filter uses, as one extended regex (grep does the same work). */
export const GREP_PATTERN = LINE_MARKERS.map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');

const HOSTS = ['worker-3'];
const NOISE = [
  'kernel: ata1.00: configured for UDMA/133',
  'systemd[1]: Started Journal Service.',
  "NetworkManager[1043]: <info>  [1700000000.1234] device (eno1): state change: ip-config -> ip-check (reason 'none', sys-iface-state: 'managed')",
  'kernel: ixgbe 0000:3b:00.0 eno1: NIC Link is Up 10 Gbps, Flow Control: RX/TX',
  "systemd-udevd[512]: Using default interface naming scheme 'rhel-9.0'.",
  'chronyd[998]: Selected source 10.0.0.1 (pool.ntp.org)',
  'dracut-initqueue[734]: Scanning devices sda3  for LVM logical volumes',
  'kernel: SELinux:  policy capability network_peer_controls=1',
  'coreos-teardown-initramfs[1201]: info: taking down network device: eno1',
  'systemd[1]: ignition-fetch.service: Main process exited, code=exited, status=1/FAILURE',
];
const IGNITION = [
  'ignition[812]: GET https://192.168.111.5:22623/config/worker: attempt #12',
  'ignition[812]: GET error: Get "https://192.168.111.5:22623/config/worker": tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time 2026-11-23T20:45:40Z is after 2026-11-22T00:00:00Z',
  'ignition[812]: GET error: Get "https://192.168.111.5:22623/config/worker": dial tcp 192.168.111.5:22623: connect: connection refused',
];

function stamp(i: number): string {
  const s = i % 60;
  const m = Math.floor(i / 60) % 60;
  return `Nov 23 20:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

export async function generateJournal(path: string, sizeMb: number): Promise<number> {
  const target = sizeMb * 1024 * 1024;
  const out = createWriteStream(path);
  let written = 0;
  let i = 0;
  let ignitionLines = 0;
  while (written < target) {
    const lines: string[] = [];
    for (let k = 0; k < 2000; k++, i++) {
      // ~0.1% Ignition lines (attempt + error), the rest ordinary boot noise.
      const msg =
        i % 1000 === 999 ? IGNITION[((i / 1000) % IGNITION.length) | 0] : NOISE[(i * 7) % NOISE.length];
      if (i % 1000 === 999) ignitionLines++;
      lines.push(`${stamp(i / 100)} ${HOSTS[0]} ${msg}`);
    }
    const block = `${lines.join('\n')}\n`;
    written += Buffer.byteLength(block);
    if (!out.write(block)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  return ignitionLines;
}

function timed(cmd: string, args: string[]): { seconds: number; stdout: string; status: number | null } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { seconds, stdout: r.stdout, status: r.status };
}

export async function benchExplain(opts: {
  sizeMb: number;
  dir: string;
}): Promise<Record<string, string | number>> {
  const file = join(opts.dir, 'journal.txt');
  const ignitionLines = await generateJournal(file, opts.sizeMb);
  const mb = statSync(file).size / 1024 / 1024;
  // Warm the page cache so both tools read from memory, not the disk.
  spawnSync('cat', [file], { stdio: ['ignore', 'ignore', 'ignore'] });
  const grep = timed('grep', ['-cE', GREP_PATTERN, file]);
  const explain = timed(process.execPath, [CLI, 'explain', file, '-o', 'json']);
  if (explain.status !== 1)
    throw new Error(`explain exited ${explain.status} (expected 1: failures in the journal)`);
  const report = JSON.parse(explain.stdout) as { causes: Array<{ id: string; count: number }> };
  const rss = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, CLI, 'explain', file, '-o', 'json'], {
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const peakKb = Number(rss.stderr.trim().split('\n').pop());
  const explainMbs = mb / explain.seconds;
  const grepMbs = mb / grep.seconds;
  return {
    'file MB': mb.toFixed(1),
    'ignition lines in file': ignitionLines,
    'grep -cE matching lines': Number(grep.stdout.trim()),
    'explain causes': report.causes.map((c) => `${c.id}=${c.count}`).join(' '),
    'grep seconds': grep.seconds.toFixed(2),
    'explain seconds': explain.seconds.toFixed(2),
    'grep MB/s': grepMbs.toFixed(0),
    'explain MB/s': explainMbs.toFixed(0),
    'explain / grep speed': (explainMbs / grepMbs).toFixed(2),
    'explain peak RSS MB': Number.isFinite(peakKb) ? (peakKb / 1024).toFixed(0) : 'unavailable',
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sizeMb = Number(process.argv[2] ?? 500);
  const dir = mkdtempSync(join(tmpdir(), 'mcs-doctor-bench-'));
  try {
    const figures = await benchExplain({ sizeMb, dir });
    for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(28)} ${v}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
