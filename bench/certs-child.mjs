// Runs `mcs-doctor certs ARGS -o json` through the built CLI in this fresh process, as the
// `mcs-doctor` bin would, and writes its figures to FIGURES: the exit code, what the report says
// (certificates, problems, API requests, list pages) and the process's peak RSS. The output is
// not kept (that would be the bench's memory, not the command's): only its head, where the
// source is, and its tail, where the summary is.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dist, figures, ...args] = process.argv.slice(2);
const { runCli } = await import(pathToFileURL(join(dist, 'cli', 'run.js')).href);
let head = '';
let tail = '';
process.stdout.write = (chunk) => {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  if (head.length < 4096) head += text.slice(0, 4096 - head.length);
  tail = (tail + text).slice(-8192);
  return true;
};
const code = await runCli(args);
const number = (text, pattern) => Number(pattern.exec(text)?.[1] ?? NaN);
const summary = tail.slice(tail.lastIndexOf('"summary"'));
writeFileSync(
  figures,
  JSON.stringify({
    exitCode: code,
    certificates: number(summary, /"certificates": (\d+)/),
    problems: number(summary, /"problems": (\d+)/),
    requests: number(head, /"requests": (\d+)/),
    pages: number(head, /"pages": (\d+)/),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
