import { master } from '@mesos-ts/proto';
import type { CliCommand } from './command';
import { defineAction, masterOption, type MasterFlags } from './shared';

/**
 * `mesos state`: the master's GET_STATE answer (tasks, executors, frameworks, agents) as JSON on stdout, as the
 * operator API spells it. It is JSON either way; `--json` is accepted for symmetry with the other commands.
 */
export const stateCommand: CliCommand = {
  name: 'state',
  register(program, context, done) {
    const command = program
      .command('state')
      .description("Print the master's state (GET_STATE: tasks, executors, frameworks, agents) as JSON")
      .addOption(masterOption())
      .option('--json', 'Print JSON (the default; accepted for symmetry)');
    defineAction<MasterFlags>(command, context, done, async ({ client, json }) => {
      const answer = await client.call({ type: master.Call_Type.GET_STATE });
      json(answer.json ?? {});
    });
    return command;
  },
};
