import { agentCommand } from './agent';
import type { CliCommand } from './command';
import { completionCommand } from './completion';
import { executeCommand } from './execute';
import { explainCommand } from './explain';
import { frameworkCommand } from './framework';
import { maintenanceCommand } from './maintenance';
import { quotaCommand } from './quota';
import { reserveCommand, unreserveCommand } from './reserve';
import { stateCommand } from './state';
import { taskCommand } from './task';
import { volumeCommand } from './volume';
import { weightsCommand } from './weights';

export type { CliCommand } from './command';
export { agentCommand, agentRows } from './agent';
export { completionCommand, bashCompletion, completionTree, zshCompletion, type CompletionNode } from './completion';
export { executeCommand } from './execute';
export { explainCommand, formatExplanation } from './explain';
export { frameworkCommand, frameworkRows } from './framework';
export { maintenanceCommand, parseMachine, parseMachines, scheduleRows, statusRows } from './maintenance';
export { quotaCommand, quotaRows, quotaUpdateCall } from './quota';
export { reserveCommand, reservationPrincipal, reservedResources, unreserveCommand } from './reserve';
export { stateCommand } from './state';
export { findTask, selectTasks, taskCommand, taskRows } from './task';
export { volumeCommand, volumeResource, volumesOf } from './volume';
export { parseWeights, weightsCommand } from './weights';

/** The subcommands of `mesos`, in help order. A new one is a file here and a line in this list. */
export const COMMANDS: readonly CliCommand[] = [
  agentCommand,
  frameworkCommand,
  taskCommand,
  stateCommand,
  executeCommand,
  quotaCommand,
  weightsCommand,
  reserveCommand,
  unreserveCommand,
  volumeCommand,
  maintenanceCommand,
  explainCommand,
  completionCommand,
];
