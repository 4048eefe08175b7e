import { aliasName, compileSpec } from './internal/spec';
import { formatValue } from './internal/values';
import type { FlagSpec } from './types';

export interface FormatHelpOptions {
  /** Replaces the `Usage: <program> [options]` line (stout's `setUsageMessage`). */
  readonly usage?: string;
  /** Printed first, followed by a blank line (stout's `usage(message)`). */
  readonly message?: string;
}

// Spaces between the longest flag column and the help text, as stout pads.
const PAD = 5;

/**
 * The `--help` text in stout's layout (`FlagsBase::usage`): a usage line, a blank line, then one row per flag in
 * name order, `--[no-]name` for booleans and `--name=VALUE` for the rest, aliases after a comma, help text in a
 * second column with continuation lines aligned, and ` (default: ...)` for flags with a default.
 *
 * ```
 * Usage: mesos-master [options]
 *
 *   --allocation_interval=VALUE     Time between batch allocations (default: 1secs)
 *   --[no-]help                     Prints this help message (default: false)
 * ```
 *
 * Ends with a newline. Required flags get no `(default: )` suffix, which stout prints empty.
 */
export function formatHelp(spec: FlagSpec, programName: string, options: FormatHelpOptions = {}): string {
  const { defs, names } = compileSpec(spec);
  let out = options.message !== undefined ? `${options.message}\n\n` : '';
  out += options.usage !== undefined ? `${options.usage}\n\n` : `Usage: ${programName} [options]\n\n`;

  const rows = names.map((name) => {
    const def = defs.get(name)!;
    const alias = aliasName(def);
    const column =
      def.type === 'boolean'
        ? `  --[no-]${name}${alias !== undefined ? `, --[no-]${alias}` : ''}`
        : `  --${name}=VALUE${alias !== undefined ? `, --${alias}=VALUE` : ''}`;
    let help = def.help;
    if (def.default !== undefined) {
      const last = help[help.length - 1];
      help += help.length > 0 && last !== '\n' && last !== '\r' ? ' (default: ' : '(default: ';
      help += `${formatValue(def, def.default)})`;
    }
    return { column, help };
  });

  const width = Math.max(...rows.map((r) => r.column.length));
  for (const { column, help } of rows) {
    const [first = '', ...rest] = help.split(/[\n\r]/);
    out += `${column}${' '.repeat(PAD + width - column.length)}${first}\n`;
    for (const line of rest) out += `${' '.repeat(PAD + width)}${line}\n`;
  }
  return out;
}
