/**
 * Mesos's `validation::master::call::validate` (src/master/validation.cpp): a call must have a type, and a call
 * that takes arguments must carry its message. Required fields inside those messages are checked by the decoder.
 */
import { master } from '@mesos-ts/proto';

const C = master.Call_Type;

/** Call type -> the field its arguments travel in (snake_case, as Mesos names it in the message). */
const REQUIRED: Partial<Record<master.Call_Type, readonly [keyof master.Call, string]>> = {
  [C.GET_METRICS]: ['getMetrics', 'get_metrics'],
  [C.SET_LOGGING_LEVEL]: ['setLoggingLevel', 'set_logging_level'],
  [C.LIST_FILES]: ['listFiles', 'list_files'],
  [C.READ_FILE]: ['readFile', 'read_file'],
  [C.UPDATE_WEIGHTS]: ['updateWeights', 'update_weights'],
  [C.RESERVE_RESOURCES]: ['reserveResources', 'reserve_resources'],
  [C.UNRESERVE_RESOURCES]: ['unreserveResources', 'unreserve_resources'],
  [C.CREATE_VOLUMES]: ['createVolumes', 'create_volumes'],
  [C.DESTROY_VOLUMES]: ['destroyVolumes', 'destroy_volumes'],
  [C.GROW_VOLUME]: ['growVolume', 'grow_volume'],
  [C.SHRINK_VOLUME]: ['shrinkVolume', 'shrink_volume'],
  [C.UPDATE_MAINTENANCE_SCHEDULE]: ['updateMaintenanceSchedule', 'update_maintenance_schedule'],
  [C.START_MAINTENANCE]: ['startMaintenance', 'start_maintenance'],
  [C.STOP_MAINTENANCE]: ['stopMaintenance', 'stop_maintenance'],
  [C.DRAIN_AGENT]: ['drainAgent', 'drain_agent'],
  [C.DEACTIVATE_AGENT]: ['deactivateAgent', 'deactivate_agent'],
  [C.REACTIVATE_AGENT]: ['reactivateAgent', 'reactivate_agent'],
  [C.UPDATE_QUOTA]: ['updateQuota', 'update_quota'],
  [C.SET_QUOTA]: ['setQuota', 'set_quota'],
  [C.REMOVE_QUOTA]: ['removeQuota', 'remove_quota'],
  [C.TEARDOWN]: ['teardown', 'teardown'],
  [C.MARK_AGENT_GONE]: ['markAgentGone', 'mark_agent_gone'],
};

/** Why the call is invalid, in Mesos's words; undefined when it is valid. */
export function validateOperatorCall(call: master.Call): string | undefined {
  if (call.type === undefined) return "Expecting 'type' to be present";
  const required = REQUIRED[call.type];
  if (required !== undefined && call[required[0]] === undefined) return `Expecting '${required[1]}' to be present`;
  if (call.type === C.GROW_VOLUME && call.growVolume?.agentId === undefined) {
    return "Expecting 'agent_id' to be present; only agent default resources are supported right now";
  }
  if (call.type === C.SHRINK_VOLUME && call.shrinkVolume?.agentId === undefined) {
    return "Expecting 'agent_id' to be present; only agent default resources are supported right now";
  }
  return undefined;
}
