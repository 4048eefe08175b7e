import { InvalidArgumentError, Option, type Command } from 'commander';
import { EXECUTE_DEFAULTS, buildExecutePlan, type ExecuteFlags } from '../execute/plan';
import { runExecute } from '../execute/run';
import type { CliCommand } from './command';

/** Mesos's booleans: `--flag`, `--flag=true|false`, `--no-flag`. */
function parseBoolean(value: string): boolean {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new InvalidArgumentError(`expected true or false, got '${value}'.`);
}

function booleanOptions(name: string, description: string, defaultValue: boolean): Option[] {
  return [new Option(`--${name} [bool]`, description).argParser(parseBoolean).default(defaultValue), new Option(`--no-${name}`, `same as --${name}=false`).hideHelp()];
}

const EXAMPLES = `
Examples:
  $ mesos execute --master=127.0.0.1:5050 --name=hello --command='echo hello'
  $ MESOS_MASTER=127.0.0.1:5050 mesos execute --name=sleepy --command='sleep 600' --kill_after=10secs
  $ mesos execute --master=127.0.0.1:5050 --task_group=file:///path/to/group.json

Exits 0 when every task ended TASK_FINISHED, 1 otherwise. Ctrl-C kills the task and tears the framework down
(press it twice to stop waiting for the kill).`;

/**
 * `mesos execute`: Mesos's `mesos-execute` (src/cli/execute.cpp). Subscribes a framework, launches one command
 * task (or `--task`, or a `--task_group` under the default executor) on the first offer that fits, prints each
 * status update, and exits with the task's fate.
 */
export const executeCommand: CliCommand = {
  name: 'execute',
  register(program, context, done) {
    const command: Command = program
      .command('execute')
      .description("Run a command (or a task group) on the cluster and wait for it to end, as Mesos's mesos-execute");
    const flags: Option[] = [
      new Option('--master <host:port>', 'Mesos master (e.g. 127.0.0.1:5050); default: $MESOS_MASTER'),
      new Option('--name <name>', 'Name of the task (also its ID)'),
      new Option('--command <command>', 'Command to launch'),
      ...booleanOptions('shell', "Run the command with /bin/sh -c; with --shell=false it is split into words and run as argv", EXECUTE_DEFAULTS.shell),
      new Option('--env <json>', 'Environment variables: a JSON object {"NAME": "value"}, or file:///path to one'),
      new Option('--resources <resources>', 'Resources for the command').default(EXECUTE_DEFAULTS.resources),
      new Option('--task <json>', 'A TaskInfo in JSON (agent_id not needed), or /path or file:///path to one'),
      new Option('--task_group <json>', 'A TaskGroupInfo in JSON, or /path or file:///path to one; launched with LAUNCH_GROUP under the default executor'),
      new Option('--role <role>', 'Role to use when registering').default(EXECUTE_DEFAULTS.role),
      new Option('--framework_name <name>', 'Name of the framework').default(EXECUTE_DEFAULTS.framework_name),
      ...booleanOptions('checkpoint', 'Enable checkpointing for the framework', EXECUTE_DEFAULTS.checkpoint),
      new Option('--docker_image <image>', 'Docker image to run the command in, <image>:<tag> (e.g. busybox:latest)'),
      new Option('--appc_image <image>', 'Appc image to run the command in (e.g. example.com/reduce-worker)'),
      new Option('--containerizer <name>', 'Containerizer to use').choices(['mesos', 'docker']).default(EXECUTE_DEFAULTS.containerizer),
      new Option('--networks <names>', 'Comma-separated CNI networks the container joins'),
      new Option('--framework_capabilities <list>', 'Comma-separated extra framework capabilities (GPU_RESOURCES)'),
      ...booleanOptions('partition_aware', 'Enable partition-awareness for the framework', EXECUTE_DEFAULTS.partition_aware),
      new Option('--kill_after <duration>', 'Kill the task this long after it is running (e.g. 10secs, 2mins)'),
      new Option('--content_type <type>', 'Encoding of scheduler API messages: json or protobuf').default(EXECUTE_DEFAULTS.content_type),
      new Option('--principal <principal>', 'Principal of the framework'),
      ...booleanOptions('tty', 'Attach a TTY to the task', EXECUTE_DEFAULTS.tty),
    ];
    for (const flag of flags) command.addOption(flag);
    command
      .addHelpText('after', EXAMPLES)
      .action(async (options: ExecuteFlags) => {
        const plan = buildExecutePlan(options, { user: context.user, readFile: context.readFile, masterFromEnv: program.opts<{ master?: string }>().master ?? context.env['MESOS_MASTER'] });
        if (!plan.ok) command.error(plan.error.message, { exitCode: 1, code: 'mesos.invalidArgument' });
        done(
          await runExecute(plan.value, {
            out: (line) => context.stdout.write(`${line}\n`),
            err: (line) => context.stderr.write(`${line}\n`),
            progress: context.stderr,
            interrupt: context.interrupt,
            forceQuit: context.forceQuit,
          }),
        );
      });
    return command;
  },
};
