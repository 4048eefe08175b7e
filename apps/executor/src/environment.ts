/**
 * What the agent tells an executor through its environment (docs/executor-http-api.md, "Executor Environment
 * Variables"), read once at start. A missing or malformed variable is an error naming it, in Mesos's words.
 */
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import { executorClientOptionsFromEnv, type ExecutorClientOptions } from '@mesos-ts/client';
import { parseDuration } from '@mesos-ts/flags';

/** Mesos's `DEFAULT_EXECUTOR_SHUTDOWN_GRACE_PERIOD`. */
export const DEFAULT_SHUTDOWN_GRACE_PERIOD_MS = 5000;

export interface ExecutorEnvironment {
  /** How to reach the agent, who we are, and the reconnection settings. */
  readonly client: ExecutorClientOptions;
  /** `MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD`: how long the agent gives us after SHUTDOWN. */
  readonly shutdownGracePeriodMs: number;
  /** `MESOS_SANDBOX` (falling back to `MESOS_DIRECTORY`), when set. */
  readonly sandbox: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads the executor's environment. `requireSandbox`: the default executor needs `MESOS_SANDBOX` to place the
 * tasks' sandboxes, and refuses to start without it, as Mesos's does.
 */
export function readExecutorEnvironment(env: Env, options: { requireSandbox?: boolean } = {}): Result<ExecutorEnvironment> {
  const client = executorClientOptionsFromEnv(env);
  if (!client.ok) return client;

  let shutdownGracePeriodMs = DEFAULT_SHUTDOWN_GRACE_PERIOD_MS;
  const grace = env['MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD'];
  if (grace !== undefined && grace !== '') {
    const parsed = parseDuration(grace);
    if (!parsed.ok) {
      return err(new MesosTsError('INVALID_ARGUMENT', `Failed to parse value '${grace}' of 'MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD': ${parsed.error.message}`));
    }
    shutdownGracePeriodMs = parsed.value;
  }

  const sandboxText = env['MESOS_SANDBOX'] ?? env['MESOS_DIRECTORY'];
  const sandbox = sandboxText === undefined || sandboxText === '' ? undefined : sandboxText;
  if (options.requireSandbox === true && sandbox === undefined) {
    return err(new MesosTsError('INVALID_ARGUMENT', "Expecting 'MESOS_SANDBOX' to be set in the environment"));
  }
  return ok({ client: client.value, shutdownGracePeriodMs, sandbox });
}
