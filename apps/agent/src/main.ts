#!/usr/bin/env node
// mesos-agent: reads the flags, starts the agent, and runs until SIGTERM or SIGINT (or the master shuts it down).
import { resolveCommandLine } from '@mesos-ts/flags';
import { startAgent } from './agent';
import { agentFlags, validateAgentFlags } from './flags';
import { createJsonLogger } from './log';

const PROGRAM = 'mesos-agent';

async function main(): Promise<void> {
  const next = resolveCommandLine(agentFlags, { programName: PROGRAM, argv: process.argv.slice(2), env: process.env });
  if (next.action === 'exit') {
    process[next.stream].write(next.text);
    process.exit(next.exitCode);
  }
  const fail = (message: string): never => {
    process.stderr.write(`${message}\n\nSee \`${PROGRAM} --help\` for a list of supported flags.\n`);
    process.exit(1);
  };

  const { flags, warnings } = next.loaded;
  const log = createJsonLogger();
  for (const warning of warnings) log.warn(warning);

  const problem = validateAgentFlags(flags);
  if (problem !== undefined) fail(problem);

  const started = await startAgent({ flags, logger: log });
  if (!started.ok) {
    process.stderr.write(`${started.error.message}\n`);
    process.exit(1);
  }
  const agent = started.value;

  let stopping = false;
  const stop = (why: string): void => {
    if (stopping) return;
    stopping = true;
    log.info(`${why}; shutting down`);
    void agent.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('Received SIGTERM'));
  process.on('SIGINT', () => stop('Received SIGINT'));
  void agent.shutdown.then((message) => stop(`The master shut this agent down${message ? `: ${message}` : ''}`));
}

main().catch((e: unknown) => {
  process.stderr.write(`mesos-agent failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
