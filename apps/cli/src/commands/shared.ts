import { Option, type Command } from 'commander';
import { master } from '@mesos-ts/proto';
import type { CliContext } from '../context';
import { parseMasterAddress } from '../master-address';
import { OperatorClient } from '../operator/client';
import { CommandFailure, oneLine } from '../operator/failure';
import { formatJson } from '../output/table';
import { createWaitProgress } from '../output/wait-progress';

/** The flags every command that talks to the master takes. */
export interface MasterFlags {
  readonly master?: string | undefined;
  readonly json?: boolean | undefined;
}

/** `--master HOST:PORT` on a command (it also takes the global one and MESOS_MASTER). */
export function masterOption(): Option {
  return new Option('--master <host:port>', 'Mesos master (e.g. 127.0.0.1:5050); default: $MESOS_MASTER');
}

/** `--json`: the operator API's answer (or the command's data) as JSON on stdout, for scripts. */
export function jsonOption(): Option {
  return new Option('--json', 'Print JSON (the operator API answer) instead of a table');
}

/** `mesos agent list` for the `list` command under `agent`. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** What an action gets: its positional arguments, flags, the operator client and where to write. */
export interface ActionInput<O> {
  readonly args: readonly unknown[];
  readonly options: O;
  readonly client: OperatorClient;
  readonly context: CliContext;
  /** Writes `text` to stdout as is. */
  out(text: string): void;
  /** Writes `value` as `--json` output. */
  json(value: unknown): void;
  /** Stops with a usage error naming the command (one line, exit 1), like commander's own. */
  usage(message: string): never;
}

/**
 * Sets `fn` as the action of `command`: resolves the master (the command's `--master`, the global one, then
 * MESOS_MASTER), builds the operator client (progress on a terminal's stderr, Ctrl-C aborts), runs `fn`, and turns a
 * {@link CommandFailure} into one line on stderr, `mesos <command>: <message>`, and its exit code. `fn` returns the
 * exit code (default 0).
 */
export function defineAction<O extends MasterFlags>(command: Command, context: CliContext, done: (exitCode: number) => void, fn: (input: ActionInput<O>) => Promise<number | void>): Command {
  return command.action(async (...params: unknown[]) => {
    const options = command.opts<O>();
    const args = params.slice(0, command.registeredArguments.length);
    const usage = (message: string): never => command.error(message, { exitCode: 1, code: 'mesos.invalidArgument' });
    const globalMaster = rootOf(command).opts<{ master?: string }>().master;
    const address = parseMasterAddress(options.master ?? globalMaster ?? context.env['MESOS_MASTER']);
    if (!address.ok) return usage(address.error.message);
    const progress = createWaitProgress(context.stderr);
    const client = new OperatorClient(address.value, { signal: context.interrupt, progress });
    try {
      const code = await fn({
        args,
        options,
        client,
        context,
        out: (text) => context.stdout.write(text),
        json: (value) => context.stdout.write(formatJson(value)),
        usage,
      });
      done(code ?? 0);
    } catch (error) {
      if (!(error instanceof CommandFailure)) throw error;
      context.stderr.write(`${commandPath(command)}: ${oneLine(error.message, 1000)}\n`);
      done(error.exitCode);
    }
  });
}

function rootOf(command: Command): Command {
  let c = command;
  while (c.parent !== null) c = c.parent;
  return c;
}

/**
 * A command that only groups others (`mesos agent`): without a subcommand, or with an unknown one, it fails with
 * one line that lists the subcommands, instead of commander's multi-line help on stderr.
 */
export function defineGroup(program: Command, name: string, description: string): Command {
  const group = program.command(name).description(description).usage('<command> [options]').allowExcessArguments(true);
  group.action(() => {
    const sub = group.args[0];
    const names = group.commands.map((c) => c.name());
    const list = names.join(', ');
    if (sub === undefined) return group.error(`missing command: one of ${list}`, { exitCode: 1, code: 'mesos.missingCommand' });
    const close = closest(sub, names);
    return group.error(`unknown command '${sub}'${close === undefined ? '' : ` (Did you mean ${close}?)`}: one of ${list}`, { exitCode: 1, code: 'commander.unknownCommand' });
  });
  return group;
}

/** The name nearest to `word` by edit distance, when it is close enough to be a typo (distance <= 2). */
export function closest(word: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of names) {
    const d = editDistance(word, name);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The agent an argument names: its ID, or its hostname when exactly one registered agent has it.
 * @throws CommandFailure when none (or several) match.
 */
export async function resolveAgent(client: OperatorClient, text: string): Promise<master.Response_GetAgents_Agent> {
  const { response } = await client.call({ type: master.Call_Type.GET_AGENTS });
  const agents = response.getAgents?.agents ?? [];
  const byId = agents.find((a) => a.agentInfo?.id?.value === text);
  if (byId !== undefined) return byId;
  const byHost = agents.filter((a) => a.agentInfo?.hostname === text);
  if (byHost.length === 1) return byHost[0]!;
  if (byHost.length > 1) throw new CommandFailure(`${byHost.length} agents run on host '${text}'; give the agent ID (${byHost.map((a) => a.agentInfo?.id?.value ?? '').join(', ')})`);
  throw new CommandFailure(`no registered agent with ID or hostname '${text}' (see 'mesos agent list')`);
}

/** The ID of an agent from GET_AGENTS (always set by the master). */
export function agentIdOf(agent: master.Response_GetAgents_Agent): string {
  return agent.agentInfo?.id?.value ?? '';
}
