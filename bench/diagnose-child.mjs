// Runs one diagnose through the built library in a fresh process and prints its figures as JSON:
// wall time, API requests (or files read), the verdict and first cause, and the process's peak RSS.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const [dist, mode, target, host] = process.argv.slice(2);
const load = (p) => import(pathToFileURL(join(dist, p)).href);
const { diagnose } = await load('diagnosis/diagnose.js');
const started = performance.now();
let source;
if (mode === 'live') {
  const { openLiveSource } = await load('sources/live.js');
  source = await openLiveSource({ kubeconfig: target });
} else {
  const { openMustGather } = await load('sources/must-gather/index.js');
  source = await openMustGather(target);
}
const report = await diagnose(source, {
  hosts: host ? [host] : [],
  bmc: 'auto',
  probe: true,
  expiryWarningDays: 30,
  now: mode === 'live' ? new Date() : source.collectedAt,
  probeTimeoutMs: 10_000,
});
const wallMs = performance.now() - started;
await source.close();
console.log(
  JSON.stringify({
    wallMs: Math.round(wallMs),
    requests: report.source.requests,
    hosts: report.hosts.length,
    verdict: report.verdict,
    cause: report.causes[0]?.id ?? null,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
