/**
 * Mesos's `master/messages_*` counters (src/master/metrics.cpp), counted where Mesos counts them: one per
 * scheduler call or agent message the master accepts for processing (after the stream checks), and for ACCEPT
 * one per LAUNCH operation (`messages_launch_tasks`, or `messages_decline_offers` for a LAUNCH with no tasks), as
 * `Master::accept` does. Counters Mesos keeps for messages our protocols do not have (authenticate,
 * deactivate_framework, update_slave) stay at 0 so that dashboards find every name.
 */
import { Offer_Operation_Type, internal, scheduler } from '@mesos-ts/proto';

/** The message counters, all starting at 0. */
export function newMessageCounters(): Record<MessageCounter, number> {
  return Object.fromEntries(MESSAGE_COUNTERS.map((name) => [name, 0])) as Record<MessageCounter, number>;
}

export const MESSAGE_COUNTERS = [
  'messages_authenticate',
  'messages_deactivate_framework',
  'messages_decline_offers',
  'messages_exited_executor',
  'messages_kill_task',
  'messages_launch_tasks',
  'messages_operation_status_update',
  'messages_operation_status_update_acknowledgement',
  'messages_reconcile_operations',
  'messages_reconcile_tasks',
  'messages_register_framework',
  'messages_register_slave',
  'messages_reregister_framework',
  'messages_reregister_slave',
  'messages_resource_request',
  'messages_revive_offers',
  'messages_status_update',
  'messages_status_update_acknowledgement',
  'messages_suppress_offers',
  'messages_unregister_framework',
  'messages_unregister_slave',
  'messages_update_slave',
] as const;

export type MessageCounter = (typeof MESSAGE_COUNTERS)[number];

const S = scheduler.Call_Type;
const SCHEDULER_CALLS: Partial<Record<scheduler.Call_Type, MessageCounter>> = {
  [S.DECLINE]: 'messages_decline_offers',
  [S.REVIVE]: 'messages_revive_offers',
  [S.SUPPRESS]: 'messages_suppress_offers',
  [S.KILL]: 'messages_kill_task',
  [S.ACKNOWLEDGE]: 'messages_status_update_acknowledgement',
  [S.ACKNOWLEDGE_OPERATION_STATUS]: 'messages_operation_status_update_acknowledgement',
  [S.RECONCILE]: 'messages_reconcile_tasks',
  [S.RECONCILE_OPERATIONS]: 'messages_reconcile_operations',
  [S.REQUEST]: 'messages_resource_request',
  [S.TEARDOWN]: 'messages_unregister_framework',
};

/** Counts a scheduler call the master is about to process. */
export function countSchedulerCall(counters: Record<MessageCounter, number>, call: scheduler.Call): void {
  if (call.type === S.SUBSCRIBE) {
    const id = call.subscribe?.frameworkInfo?.id?.value;
    counters[id === undefined || id === '' ? 'messages_register_framework' : 'messages_reregister_framework']++;
    return;
  }
  if (call.type === S.ACCEPT) {
    for (const op of call.accept?.operations ?? []) {
      if (op.type !== Offer_Operation_Type.LAUNCH) continue;
      counters[(op.launch?.taskInfos?.length ?? 0) > 0 ? 'messages_launch_tasks' : 'messages_decline_offers']++;
    }
    return;
  }
  const counter = call.type === undefined ? undefined : SCHEDULER_CALLS[call.type];
  if (counter !== undefined) counters[counter]++;
}

const A = internal.AgentCall_Type;

/** Counts an agent call the master is about to process (each status update of a STATUS_UPDATE call once). */
export function countAgentCall(counters: Record<MessageCounter, number>, call: internal.AgentCall): void {
  switch (call.type) {
    case A.REGISTER:
      counters.messages_register_slave++;
      return;
    case A.REREGISTER:
      counters.messages_reregister_slave++;
      return;
    case A.UNREGISTER:
      counters.messages_unregister_slave++;
      return;
    case A.STATUS_UPDATE:
      counters.messages_status_update += call.statusUpdates?.updates?.length ?? 0;
      return;
    case A.UPDATE_OPERATION_STATUS:
      counters.messages_operation_status_update++;
      return;
    case A.EXECUTOR_EXITED:
      counters.messages_exited_executor++;
      return;
    default:
      return;
  }
}
