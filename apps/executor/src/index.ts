/**
 * The mesos-ts built-in executors, as a library: the command executor and the default executor (what the
 * `mesos-executor` and `mesos-default-executor` executables run), the health checker, and the helpers they share
 * for task processes, kills and statuses.
 *
 * @packageDocumentation
 */
export { CommandExecutor, DEFAULT_ACK_TIMEOUT_MS, SHUTDOWN_BUFFER_MS, type CommandExecutorOptions, type ExecutorLogger, type TaskLauncher } from './command-executor';
export { containerIdOfName, dockerEngine, dockerTaskLauncher, parseTaskEnvironment, type DockerTaskEngine, type DockerTaskOptions } from './docker-task';
export { dockerExecutorFlagSpec } from './docker-flags';
export { DefaultExecutor, type DefaultExecutorOptions } from './default-executor';
export { DEFAULT_SHUTDOWN_GRACE_PERIOD_MS, readExecutorEnvironment, type ExecutorEnvironment } from './environment';
export { commandExecutorFlagSpec, defaultExecutorFlagSpec } from './flags';
export { HealthChecker, type HealthCheckerOptions, type TaskHealthStatus } from './health-checker';
export { checkRunner, runCommandCheck, runHttpCheck, runTcpCheck, validateHealthCheck, type CheckOutcome, type CheckRunner } from './health-checks';
export { DEFAULT_KILL_GRACE_PERIOD_MS, KillEscalation, type EscalationOptions } from './kill-escalation';
export { allocationRole, derivedStatus, durationMs, gracePeriodMs, hasCapability, isTerminalState, newStatus, type StatusExtras } from './statuses';
export {
  buildTaskEnvironment,
  commandLine,
  launchTaskProcess,
  lookupUser,
  signalGroup,
  type CommandLine,
  type LaunchOptions,
  type TaskLogger,
  type TaskOutput,
  type TaskProcess,
  type UserAccount,
} from './task-process';
export { describeSignal, describeTermination, succeeded, type Termination } from './termination';
