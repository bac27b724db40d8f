/** `mcs-doctor explain FILE|-`: Ignition failures in console or journal text -> root causes. */
import { Command, Option } from 'commander';
import { ExitCode } from '../cli/errors.js';
import { explainLog } from '../ignition/log.js';
import { renderExplainJson } from '../report/explain-json.js';
import { renderExplainText } from '../report/explain-text.js';

export function explainCommand(): Command {
  return new Command('explain')
    .description(
      "Read a worker's console or journal (FILE, or - for stdin) and name the root cause of Ignition's config fetch failures",
    )
    .argument(
      '<file>',
      'console or journal text (journalctl, serial console, or ignition -log-to-stdout); - reads stdin',
    )
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      '\nExit codes: 0 no failure found, 1 failures found, 2 bad input.\n' +
        'Example: journalctl -b -u ignition-fetch.service | mcs-doctor explain -',
    )
    .action(async (file: string, opts: { output: 'text' | 'json' }) => {
      const result = await explainLog(file);
      process.stdout.write(opts.output === 'json' ? renderExplainJson(result) : renderExplainText(result));
      process.exitCode = result.failuresFound ? ExitCode.problem : ExitCode.healthy;
    });
}
