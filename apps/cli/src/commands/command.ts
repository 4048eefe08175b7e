import type { Command } from 'commander';
import type { CliContext } from '../context';

/**
 * One `mesos` subcommand, one file under `src/commands/`: it adds itself to the program (options, help, action)
 * and reports its exit code through `done`. Usage errors go through `command.error(...)` so that they print as
 * one line like commander's own.
 */
export interface CliCommand {
  readonly name: string;
  register(program: Command, context: CliContext, done: (exitCode: number) => void): Command;
}
