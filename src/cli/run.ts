import { Command, CommanderError } from 'commander';
import { ExitCode, UserError, formatUserError } from './errors.js';
import { probeCommand } from '../commands/probe.js';
import { explainCommand } from '../commands/explain.js';
import { simCommand } from '../commands/sim.js';
import { diagnoseCommand } from '../commands/diagnose.js';
import { fixCommand, restoreCommand } from '../commands/fix.js';
import { verifyCommand } from '../commands/verify.js';
import { VERSION } from '../version.js';

export function buildProgram(): Command {
  const program = new Command('mcs-doctor')
    .description(
      'Find why a new OpenShift bare-metal worker cannot fetch its Ignition config from the Machine Config Server (port 22623), fix it safely, and verify that the worker joins.',
    )
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    // Root options (--version) only before the command: `sim start --version 4.12` is the sim's own flag.
    .enablePositionalOptions()
    .exitOverride();
  program.addCommand(diagnoseCommand());
  program.addCommand(fixCommand());
  program.addCommand(restoreCommand());
  program.addCommand(verifyCommand());
  program.addCommand(probeCommand());
  program.addCommand(explainCommand());
  program.addCommand(simCommand());
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** Runs the CLI and returns the exit code; user errors are printed without a stack trace. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.healthy;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      ) {
        return ExitCode.healthy;
      }
      return ExitCode.usage;
    }
    if (err instanceof UserError) {
      process.stderr.write(formatUserError(err) + '\n');
      return err.exitCode;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(
      `error: internal error: ${message}\n  what to do: this is a bug in mcs-doctor; rerun with MCS_DOCTOR_DEBUG=1 and report the output\n`,
    );
    if (process.env.MCS_DOCTOR_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return ExitCode.usage;
  }
}
