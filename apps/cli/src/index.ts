/**
 * The `mesos` command line of mesos-ts, as a library: {@link runCli} runs it with an injected context (what the
 * `mesos` bin does with the process's), {@link createProgram} builds the commander program, the pieces of
 * `mesos execute` (flag checking, offer fitting, status-update formatting, the scheduler loop) and of the operator
 * commands (the operator API client, argument parsers, table rows, completion scripts) are exported for embedding
 * and tests.
 *
 * @packageDocumentation
 */
export { CLI_VERSION, createProgram, runCli } from './program';
export type { CliContext, CliOutput } from './context';
export {
  COMMANDS,
  agentCommand,
  agentRows,
  bashCompletion,
  completionCommand,
  completionTree,
  executeCommand,
  explainCommand,
  findTask,
  formatExplanation,
  frameworkCommand,
  frameworkRows,
  maintenanceCommand,
  parseMachine,
  parseMachines,
  parseWeights,
  quotaCommand,
  quotaRows,
  quotaUpdateCall,
  reservationPrincipal,
  reserveCommand,
  reservedResources,
  scheduleRows,
  selectTasks,
  stateCommand,
  statusRows,
  taskCommand,
  taskRows,
  unreserveCommand,
  volumeCommand,
  volumeResource,
  volumesOf,
  weightsCommand,
  zshCompletion,
  type CliCommand,
  type CompletionNode,
} from './commands';
export { OperatorClient, type OperatorAnswer, type OperatorClientOptions } from './operator/client';
export { CommandFailure } from './operator/failure';
export { agentOrigin, findSandbox, readFileChunk, type FileChunk } from './operator/sandbox';
export { formatJson, formatNumber, formatTable, formatTime, formatUsage, type Column, type ColumnSpec } from './output/table';
export { createWaitProgress, type WaitProgressOptions, type WaitProgressOutput } from './output/wait-progress';
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
