#!/usr/bin/env node
/**
 * `mesos`: the mesos-ts command line. Wires the process (argv, environment, stdout/stderr, signals) into
 * {@link runCli} and exits with its code once the output is flushed.
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { runCli } from './program';

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry for this uid (some containers): Mesos would refuse too, but the agent may not care.
    return process.env['USER'] ?? 'root';
  }
}

async function main(): Promise<void> {
  // First Ctrl-C (or SIGTERM) asks the command to wind down (kill the task, tear down); the second stops waiting.
  const interrupt = new AbortController();
  const forceQuit = new AbortController();
  const onSignal = (): void => {
    if (!interrupt.signal.aborted) interrupt.abort();
    else forceQuit.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const code = await runCli(process.argv.slice(2), {
    env: process.env,
    stdout: { write: (text) => void process.stdout.write(text), isTTY: process.stdout.isTTY },
    stderr: { write: (text) => void process.stderr.write(text), isTTY: process.stderr.isTTY },
    user: currentUser(),
    readFile: (path) => readFileSync(path, 'utf8'),
    interrupt: interrupt.signal,
    forceQuit: forceQuit.signal,
  });
  // Exit explicitly (keep-alive sockets would hold the loop open), after stdout and stderr have drained.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main().catch((error: unknown) => {
  process.stderr.write(`mesos: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
