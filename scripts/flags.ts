/**
 * Flags of the project's commands, one way everywhere: node's util.parseArgs, strict (an unknown flag, a
 * missing value or a stray argument is an error), through `readFlags`, which turns its errors into one line
 * naming the flag. The scripts use `parseFlags` (a mistake prints that line and the usage, exit status 2;
 * `--help`/`-h` prints the usage); the CLI, the grader and the book build call `readFlags` and report the
 * UsageError their own way (their tests read it).
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
 * A command-line mistake, reported as one line (by `usageError`, or by a command's own main); `help` says the line
 * should point the reader to --help.
 */
export class UsageError extends Error {
  constructor(message: string, readonly help = false) {
    super(message);
  }
}

/** Edit distance, to suggest the word a typo meant. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}

/** '; did you mean <prefix><word>?' for the word of `among` nearest to `name` (at most 2 edits away), else ''. */
export function suggest(name: string, among: readonly string[], prefix: string): string {
  const best = among.map((f) => [f, distance(name, f)] as const).sort((x, y) => x[1] - y[1])[0];
  return best && best[1] <= 2 ? `; did you mean ${prefix}${best[0]}?` : '';
}

/**
 * node's util.parseArgs, strict, with its errors turned into one-line UsageErrors: an unknown flag (with the
 * nearest known one), a flag without its value, a value given to a boolean flag, a stray argument.
 */
export function readFlags<const O extends Options, const P extends boolean = false>(
  options: O,
  args: string[],
  allowPositionals?: P,
): { values: Values<O>; positionals: string[] } {
  try {
    const r = parseArgs({ args, options, strict: true, allowPositionals: allowPositionals ?? false });
    return { values: r.values as Values<O>, positionals: r.positionals };
  } catch (e) {
    const err = e as Error & { code?: string };
    const flag = /'(-{1,2}[^' ]+)/.exec(err.message)?.[1] ?? '';
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new UsageError(`unknown flag ${flag}${suggest(flag.replace(/^-+/, ''), Object.keys(options), '--')}`, true);
    }
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      if (options[flag.replace(/^-+/, '')]?.type === 'boolean') throw new UsageError(`${flag} takes no value`);
      // parseArgs reads "--beta -1" as two flags: a value starting with '-' is written --beta=-1.
      throw new UsageError(/ambiguous/.test(err.message) ? `${flag} needs a value (a value starting with '-' is written ${flag}=-…)` : `${flag} needs a value`);
    }
    throw new UsageError(err.message.split('\n')[0], true);
  }
}

/**
 * The flags in `args` (default: this process's arguments) parsed against `options` by `readFlags`; a mistake ends
 * the process through `usageError`, `--help` prints the usage on stdout and exits with status 0.
 */
export function parseFlags<const O extends Options>(command: Command, options: O, args: string[] = process.argv.slice(2)): Values<O> {
  let values: Values<O> & { help?: boolean };
  try {
    values = readFlags({ ...options, help: { type: 'boolean', short: 'h' } }, args).values as Values<O> & { help?: boolean };
  } catch (e) {
    if (e instanceof UsageError) usageError(command, e.message);
    throw e;
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
