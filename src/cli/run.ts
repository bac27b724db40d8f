import { Command, CommanderError } from 'commander';
import { ExitCode, UserError, formatUserError } from '../core/errors.js';
import { probeCommand } from '../commands/probe.js';
import { explainCommand } from '../commands/explain.js';
import { simCommand } from '../commands/sim.js';
import { bmcTimeCommand } from '../commands/bmc-time.js';
import { diagnoseCommand } from '../commands/diagnose.js';
import { fixCommand, restoreCommand } from '../commands/fix.js';
import { verifyCommand } from '../commands/verify.js';
import { contextCommand } from '../commands/context.js';
import { exporterCommand } from '../commands/exporter.js';
import { preflightCommand } from '../commands/preflight.js';
import { certsCommand } from '../commands/certs.js';
import { fleetCommand } from '../commands/fleet.js';
import { normaliseBooleanFlags } from '../commands/flags.js';
import { InputError } from '../core/errors.js';
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
  program.addCommand(preflightCommand());
  program.addCommand(fixCommand());
  program.addCommand(restoreCommand());
  program.addCommand(verifyCommand());
  program.addCommand(bmcTimeCommand());
  program.addCommand(probeCommand());
  program.addCommand(explainCommand());
  program.addCommand(simCommand());
  program.addCommand(contextCommand());
  program.addCommand(exporterCommand());
  program.addCommand(certsCommand());
  program.addCommand(fleetCommand());
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

function booleanFlags(cmd: Command, into = new Set<string>()): Set<string> {
  for (const o of cmd.options) {
    if (!o.required && !o.optional && o.long) into.add(o.long.replace(/^--/, ''));
  }
  for (const sub of cmd.commands) booleanFlags(sub, into);
  return into;
}

/**
 * A group command (`sim`) given a subcommand it does not have: commander would print the
 * group's help for `sim stop --help`; say plainly that there is no such command.
 */
function checkSubcommands(program: Command, argv: string[]): void {
  let cmd = program;
  for (const arg of argv) {
    if (arg.startsWith('-')) return;
    if (cmd.commands.length === 0) return;
    const next = cmd.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (!next) {
      if (arg === 'help') return;
      const path = [...commandPath(cmd), arg].join(' ');
      throw new InputError(`unknown command "${path}"`, {
        where: 'command line',
        hint: `${commandPath(cmd).join(' ')} has: ${cmd.commands.map((c) => c.name()).join(', ')}`,
      });
    }
    cmd = next;
  }
}

function commandPath(cmd: Command): string[] {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names;
}

/** Runs the CLI and returns the exit code; user errors are printed without a stack trace. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    checkSubcommands(program, argv);
    await program.parseAsync(normaliseBooleanFlags(argv, booleanFlags(program)), { from: 'user' });
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
