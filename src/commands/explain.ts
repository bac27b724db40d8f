/** `mcs-doctor explain FILE|-`: Ignition failures in console or journal text -> root causes. */
import { Command } from 'commander';
import { ExitCode } from '../core/errors.js';
import { explainLog } from '../ignition/log.js';
import { isDataFormat } from '../report/data.js';
import { renderExplainData } from '../report/explain-json.js';
import { renderExplainText } from '../report/explain-text.js';
import { outputOption } from './flags.js';

const EXIT = { fail: ExitCode.problem, ok: ExitCode.healthy, inconclusive: ExitCode.inconclusive } as const;

export function explainCommand(): Command {
  return new Command('explain')
    .description(
      "Read a worker's console or journal, or the machine-config-server's pod log (FILE, or - for stdin), and name the root cause of Ignition's config fetch failures",
    )
    .argument(
      '<file>',
      'console or journal text (journalctl, serial console, ignition -log-to-stdout), an MCS pod log, or pasted text; - reads stdin',
    )
    .addOption(outputOption())
    .addHelpText(
      'after',
      '\nExit codes: 0 a successful fetch and no failure after it, 1 failures found, 2 bad input (missing, binary or compressed file), 4 nothing to judge (no Ignition fetch in the text).\n' +
        'Example: journalctl -b -u ignition-fetch.service | mcs-doctor explain -',
    )
    .action(async (file: string, opts: { output: 'text' | 'json' | 'yaml' }) => {
      const result = await explainLog(file);
      process.stdout.write(
        isDataFormat(opts.output) ? renderExplainData(result, opts.output) : renderExplainText(result),
      );
      process.exitCode = EXIT[result.verdict];
    });
}
