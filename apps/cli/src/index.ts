/**
 * The `mesos` command line of mesos-ts, as a library: {@link runCli} runs it with an injected context (what the
 * `mesos` bin does with the process's), {@link createProgram} builds the commander program, and the pieces of
 * `mesos execute` (flag checking, offer fitting, status-update formatting, the scheduler loop) are exported for
 * embedding and tests.
 *
 * @packageDocumentation
 */
export { CLI_VERSION, createProgram, runCli } from './program';
export type { CliContext, CliOutput } from './context';
export { COMMANDS, executeCommand, type CliCommand } from './commands';
export { DEFAULT_MASTER_PORT, parseMasterAddress } from './master-address';
export {
  DEFAULT_EXECUTOR_ID,
  DEFAULT_EXECUTOR_RESOURCES,
  EXECUTE_DEFAULTS,
  buildExecutePlan,
  readJsonFlag,
  splitCommandLine,
  type ExecuteFlags,
  type ExecuteLaunch,
  type ExecutePlan,
  type PlanEnvironment,
} from './execute/plan';
export { fitOffer, takeResources, type OfferFit } from './execute/offers';
export { formatIdList, formatStatusUpdate, isTerminalState, stateName } from './execute/format';
export { OfferProgress, type OfferProgressOptions, type ProgressOutput } from './execute/progress';
export { runExecute, type ExecuteIo } from './execute/run';
