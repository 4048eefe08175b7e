import type { CliCommand } from './command';
import { executeCommand } from './execute';

export type { CliCommand } from './command';
export { executeCommand } from './execute';

/** The subcommands of `mesos`, in help order. A new one is a file here and a line in this list. */
export const COMMANDS: readonly CliCommand[] = [executeCommand];
