/**
 * Errors a user can act on. Each carries what was wrong, where, and what to do, plus the exit
 * code DESIGN.md assigns. The CLI prints these without a stack trace; anything else is a bug.
 */
export const ExitCode = {
  healthy: 0,
  problem: 1,
  usage: 2,
  unreachable: 3,
  inconclusive: 4,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface UserErrorDetails {
  /** The file, URL, JSON path or flag the problem is in. */
  where?: string;
  /** What the user can do about it. */
  hint?: string;
}

export class UserError extends Error {
  readonly where?: string;
  readonly hint?: string;
  readonly exitCode: ExitCodeValue;

  constructor(message: string, details: UserErrorDetails = {}, exitCode: ExitCodeValue = ExitCode.usage) {
    super(message);
    this.name = 'UserError';
    this.where = details.where;
    this.hint = details.hint;
    this.exitCode = exitCode;
  }
}

/** Bad input: a malformed file, flag, PEM, pointer config, YAML. Exit 2. */
export class InputError extends UserError {
  constructor(message: string, details: UserErrorDetails = {}) {
    super(message, details, ExitCode.usage);
    this.name = 'InputError';
  }
}

/** A source (cluster, must-gather, endpoint needed to run at all) could not be reached. Exit 3. */
export class UnreachableError extends UserError {
  constructor(message: string, details: UserErrorDetails = {}) {
    super(message, details, ExitCode.unreachable);
    this.name = 'UnreachableError';
  }
}

export function formatUserError(err: UserError): string {
  const lines = [`error: ${err.message}`];
  if (err.where) lines.push(`  where: ${err.where}`);
  if (err.hint) lines.push(`  what to do: ${err.hint}`);
  return lines.join('\n');
}
