import { formatHelp } from './help';
import { parseFlags } from './parse-flags';
import type { FlagSpec, LoadedFlags, ParseFlagsOptions } from './types';

export interface CommandLineOptions extends ParseFlagsOptions {
  /** The name used in `Usage:` and in "See `<name> --help`" (`mesos-master`). */
  readonly programName: string;
  /** Replaces the `Usage: <program> [options]` line of `--help`. */
  readonly usage?: string;
}

/** What a daemon's `main` should do after reading its flags. Printing and exiting stay with the caller. */
export type CommandLineAction<S extends FlagSpec> =
  | { readonly action: 'run'; readonly loaded: LoadedFlags<S> }
  | { readonly action: 'exit'; readonly exitCode: 0 | 1; readonly stream: 'stdout' | 'stderr'; readonly text: string };

/**
 * The start of a Mesos daemon's `main`: load the flags; on `--help` print the help to stdout and exit 0 (even if
 * other flags are wrong, as Mesos does); on an error print it and a pointer to `--help` to stderr and exit 1.
 *
 * ```ts
 * const next = resolveCommandLine(spec, { programName: 'mesos-master', argv: process.argv.slice(2), env: process.env });
 * if (next.action === 'exit') { process[next.stream].write(next.text); process.exit(next.exitCode); }
 * ```
 */
export function resolveCommandLine<const S extends FlagSpec>(spec: S, options: CommandLineOptions): CommandLineAction<S> {
  const { programName, usage, ...parse } = options;
  const help = (): CommandLineAction<S> => ({
    action: 'exit',
    exitCode: 0,
    stream: 'stdout',
    // `cout << flags.usage() << endl`: the help's own last newline, then one more.
    text: `${formatHelp(spec, programName, usage !== undefined ? { usage } : {})}\n`,
  });
  const loaded = parseFlags(spec, parse);
  if (loaded.ok) return loaded.value.flags.help ? help() : { action: 'run', loaded: loaded.value };
  if (loaded.error.helpRequested) return help();
  return {
    action: 'exit',
    exitCode: 1,
    stream: 'stderr',
    text: `${loaded.error.message}\n\nSee \`${programName} --help\` for a list of supported flags.\n`,
  };
}
