import { Command, CommanderError } from 'commander';
import pkg from '../package.json';
import { COMMANDS, type CliCommand } from './commands';
import type { CliContext } from './context';

/** The version `mesos --version` prints. */
export const CLI_VERSION: string = pkg.version;

/** Commander's messages start with `error: ` and put suggestions on a line of their own; we want one line. */
function errorLine(path: string, message: string): string {
  const text = message
    .replace(/^error:\s*/i, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  return `${path}: ${text} (see '${path} --help')\n`;
}

/**
 * The `mesos` program: the subcommands of `commands` (every one by default), `--help` and `--version`.
 * Commander never exits the process: errors surface as `CommanderError` (see {@link runCli}), and every
 * usage error is printed as one line naming the command, e.g.
 * `mesos execute: unknown option '--nmae' (Did you mean --name?) (see 'mesos execute --help')`.
 */
export function createProgram(context: CliContext, done: (exitCode: number) => void, commands: readonly CliCommand[] = COMMANDS): Command {
  const program = new Command('mesos')
    .description('The mesos-ts command line: run tasks on a Mesos (mesos-ts) cluster')
    .version(CLI_VERSION, '-V, --version', 'Print the version')
    .helpCommand(false)
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
      getOutHasColors: () => false,
      getErrHasColors: () => false,
      outputError: (text, write) => write(errorLine('mesos', text)),
    })
    // Options before the command are the program's (`mesos --master X agent list`), after it the command's, so the
    // global --master never swallows a command's own.
    .enablePositionalOptions()
    .option('--master <host:port>', 'Mesos master for every command (e.g. 127.0.0.1:5050); default: $MESOS_MASTER')
    .addHelpText('after', "\nSet MESOS_MASTER=HOST:PORT to leave out --master. See 'mesos <command> --help' for a command's flags.");
  for (const command of commands) oneLineErrors(command.register(program, context, done), 'mesos');
  return program;
}

/** Usage errors of `command` and every command below it print as one line naming the command's full path. */
function oneLineErrors(command: Command, parentPath: string): void {
  const path = `${parentPath} ${command.name()}`;
  command.configureOutput({ outputError: (text, write) => write(errorLine(path, text)) });
  for (const sub of command.commands) oneLineErrors(sub, path);
}

/**
 * Runs `mesos` with `argv` (the arguments after the program name).
 *
 * @returns the exit code: the command's own, 0 after `--help` / `--version`, 1 after a usage error (already
 *   printed as one line on stderr) or, without a command, after printing the help.
 */
export async function runCli(argv: readonly string[], context: CliContext): Promise<number> {
  let exitCode = 0;
  const program = createProgram(context, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    // A bug of ours: still one line, no stack trace (MESOS_TS_DEBUG=1 shows it).
    const message = error instanceof Error ? error.message : String(error);
    context.stderr.write(`mesos: internal error: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    if (context.env['MESOS_TS_DEBUG'] === '1' && error instanceof Error && error.stack !== undefined) context.stderr.write(`${error.stack}\n`);
    return 1;
  }
  return exitCode;
}
