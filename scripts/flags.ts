/**
 * Flags of the project's scripts, one way everywhere: node's util.parseArgs, strict (an unknown flag, a
 * missing value or a stray argument is an error), `--help`/`-h` prints the usage. A bad flag ends the
 * process with one line naming it, then the usage, on stderr, and exit status 2.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** One script's command line: its name (the prefix of its error lines) and its usage text. */
export interface Command {
  name: string;
  usage: string;
}

/** Prints `<name>: <message>` and the usage on stderr and exits with status 2. */
export function usageError(command: Command, message: string): never {
  process.stderr.write(`${command.name}: ${message}\n${command.usage.trimEnd()}\n`);
  process.exit(2);
}

/**
 * The flags in `args` (default: this process's arguments) parsed against `options`; `--help` prints the usage
 * on stdout and exits with status 0.
 */
export function parseFlags<const O extends Options>(command: Command, options: O, args: string[] = process.argv.slice(2)): Values<O> {
  let values: Values<O> & { help?: boolean };
  try {
    values = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }).values as Values<O>;
  } catch (e) {
    usageError(command, (e as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${command.usage.trimEnd()}\n`);
    process.exit(0);
  }
  return values;
}

/** What parseArgs gives for `options`: each string flag a string, each boolean a boolean, absent ones undefined. */
type Values<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: false }>>['values'];

/** The value of a flag that must be a positive integer; undefined when the flag is absent. */
export function positiveInt(command: Command, flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) usageError(command, `--${flag} must be a positive integer, got '${value}'`);
  return n;
}

/** The value of a flag that must be one of `choices`; undefined when the flag is absent. */
export function oneOf<T extends string>(command: Command, flag: string, value: string | undefined, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!choices.includes(value as T)) usageError(command, `--${flag} must be one of ${choices.join(', ')}, got '${value}'`);
  return value as T;
}
