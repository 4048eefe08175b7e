/**
 * Operator control of single agents, as Mesos 1.11's master does it (src/master/http.cpp: `_drainAgent`,
 * `_deactivateAgent`, `_reactivateAgent`, `_markAgentGone`; src/master/master.cpp: `deactivate(Slave*)`,
 * `checkAndTransitionDrainingAgent`, `markGone`, and the admission checks of `registerSlave` / `reregisterSlave`).
 *
 * - DEACTIVATE_AGENT: no more offers for the agent (its offers are rescinded); its tasks keep running.
 * - DRAIN_AGENT: deactivate, then DRAIN to the agent, which kills every task (grace period capped by
 *   `max_grace_period`) and drops new ones. The agent is DRAINING until it has no task left on the master (all
 *   terminal and acknowledged), then DRAINED, or marked gone with `mark_gone`.
 * - REACTIVATE_AGENT: offers again (refused while DRAINING).
 * - MARK_AGENT_GONE: the agent is shut down and removed; its tasks become TASK_GONE_BY_OPERATOR (TASK_LOST for
 *   frameworks that are not PARTITION_AWARE); its ID is never admitted again.
 *
 * Mesos keeps these in its registry and so across master failovers; this master has no registry yet, so they last
 * as long as the master process. An agent that re-registers reporting a drain the master does not know (the master
 * restarted) is taken at its word: the master records the drain again.
 */
import { AgentInfo_Capability_Type, DrainState, TaskState, TaskStatus_Reason, internal, type AgentInfo, type DrainConfig, type Duration } from '@mesos-ts/proto';
import { refuseSession, removeAgentByOperator } from './agents';
import type { MasterCore } from './core';
import { rescindInverseOffersOn } from './inverse-offers';
import { agentMachineId, machineText } from './maintenance-state';
import type { Agent, AgentSession } from './model';
import { masterStatus, nowSeconds } from './status';

/** The outcome of an operator call: done, or an HTTP status with Mesos's message. */
export type ControlResult = { readonly ok: true } | { readonly ok: false; readonly status: number; readonly message: string };

const OK: ControlResult = { ok: true };
const fail = (status: number, message: string): ControlResult => ({ ok: false, status, message });

/** Whether the master knows this agent at all (registered or unreachable), as Mesos's checks ask. */
function known(core: MasterCore, agentId: string): boolean {
  return core.agents.has(agentId) || core.unreachable.has(agentId);
}

/** Makes `agent.deactivated` / `agent.drain` show the master's records. */
function mirror(core: MasterCore, agent: Agent): void {
  agent.deactivated = core.maintenance.deactivated.has(agent.id);
  agent.drain = core.maintenance.draining.get(agent.id);
}

/** Mesos's `deactivate(Slave*)`: the allocator stops offering it and its offers are rescinded. */
function deactivate(core: MasterCore, agent: Agent): void {
  agent.active = false;
  core.guard('deactivateAgent', () => core.allocator.deactivateAgent(agent.id));
  core.rescind(core.offers.rescindAgent(agent.id));
}

// ------------------------------------------------------------------------------------------------ calls

/** DEACTIVATE_AGENT. */
export function deactivateAgent(core: MasterCore, agentId: string): ControlResult {
  if (!known(core, agentId)) return fail(400, 'Unknown agent');
  core.maintenance.deactivated.add(agentId);
  const agent = core.agents.get(agentId);
  if (agent !== undefined) {
    core.log.info({ agentId }, `Deactivating agent ${agentId}`);
    deactivate(core, agent);
    mirror(core, agent);
    core.changes.emit({ kind: 'agent_updated', agent });
  }
  return OK;
}

/** REACTIVATE_AGENT: only a deactivated agent that is not still DRAINING. */
export function reactivateAgent(core: MasterCore, agentId: string): ControlResult {
  if (!core.maintenance.deactivated.has(agentId)) return fail(400, 'Agent is not deactivated');
  if (core.maintenance.draining.get(agentId)?.state === DrainState.DRAINING) return fail(400, 'Agent is still in the DRAINING state');
  core.maintenance.draining.delete(agentId);
  core.maintenance.deactivated.delete(agentId);
  const agent = core.agents.get(agentId);
  if (agent === undefined) return fail(409, 'Agent removed while processing the call');
  mirror(core, agent);
  if (agent.connected) {
    core.log.info({ agentId }, `Reactivating agent ${agentId}`);
    agent.active = true;
    core.guard('activateAgent', () => core.allocator.activateAgent(agentId));
    // Mesos's allocator runs on its interval; ask for a run now so that the agent is offered without waiting.
    core.driver.requestRun();
  } else {
    core.log.info({ agentId }, `Disconnected agent ${agentId} will be reactivated upon reregistration`);
  }
  core.changes.emit({ kind: 'agent_updated', agent });
  return OK;
}

/** Mesos's check in `drainAgent`: AGENT_DRAINING, and not in a maintenance window. */
export function drainRefusal(core: MasterCore, agentId: string): string | undefined {
  const agent = core.agents.get(agentId);
  if (agent === undefined) return undefined;
  const machine = core.maintenance.machine(agentMachineId(agent));
  if (machine !== undefined && machine.unavailability !== undefined) {
    return `Agent ${agentId} is part of a maintenance schedule under Machine ${machineText(machine.id)}`;
  }
  // An agent that lists no capabilities is a current one (see model.ts), and every current agent can drain.
  const listed = agent.capabilityList.map((c) => c.type);
  if (listed.length > 0 && !listed.includes(AgentInfo_Capability_Type.AGENT_DRAINING)) return `Agent ${agentId} is not capable of draining`;
  return undefined;
}

/** DRAIN_AGENT. */
export function drainAgent(core: MasterCore, agentId: string, maxGracePeriod: Duration | undefined, markGone: boolean): ControlResult {
  const refusal = drainRefusal(core, agentId);
  if (refusal !== undefined) return fail(400, refusal);
  if (!known(core, agentId)) return fail(400, 'Unknown agent');
  const config: DrainConfig = { markGone };
  if (maxGracePeriod !== undefined) {
    config.maxGracePeriod = { nanoseconds: (maxGracePeriod.seconds ?? 0n) * 1_000_000_000n + BigInt(maxGracePeriod.nanos ?? 0) };
  }
  core.maintenance.draining.set(agentId, { state: DrainState.DRAINING, config });
  core.maintenance.deactivated.add(agentId);
  const agent = core.agents.get(agentId);
  if (agent !== undefined) {
    const tasks = [...agent.tasks.values()].reduce((n, byTask) => n + byTask.size, 0);
    core.log.info({ agentId, tasks }, `Transitioning agent ${agentId} to the DRAINING state; agent has ${tasks} tasks`);
    deactivate(core, agent);
    mirror(core, agent);
    core.sendToAgent(agent, { type: internal.AgentEvent_Type.DRAIN, drain: { config } });
    core.changes.emit({ kind: 'agent_updated', agent });
    checkDrained(core, agentId);
  }
  return OK;
}

/** MARK_AGENT_GONE (also the end of a drain with `mark_gone`). A gone agent stays gone: a second call is 200. */
export function markAgentGone(core: MasterCore, agentId: string): ControlResult {
  if (core.maintenance.gone.has(agentId)) {
    core.log.warn({ agentId }, `Not marking agent '${agentId}' as gone because it has already transitioned to gone`);
    return OK;
  }
  if (!known(core, agentId)) return fail(404, `Agent '${agentId}' not found`);
  core.log.info({ agentId }, `Marking agent '${agentId}' as gone`);
  core.maintenance.gone.set(agentId, nowSeconds());
  core.maintenance.draining.delete(agentId);
  core.maintenance.deactivated.delete(agentId);
  const message = 'Agent has been marked gone';
  const agent = core.agents.get(agentId);
  if (agent !== undefined) {
    // SHUTDOWN first: the agent kills its executors and forgets its ID; the removal below closes the stream.
    core.sendToAgent(agent, { type: internal.AgentEvent_Type.SHUTDOWN, shutdown: { message } });
    removeAgentByOperator(core, agent, message, 'gone');
    return OK;
  }
  // An unreachable agent: its tasks (kept as unreachable) end for good.
  core.unreachable.delete(agentId);
  for (const framework of core.frameworks.values()) {
    const aware = framework.capabilities.partitionAware;
    for (const record of [...framework.unreachableTasks.values()]) {
      if (record.agentId !== agentId) continue;
      const status = masterStatus({
        taskId: record.taskId,
        state: aware ? TaskState.TASK_GONE_BY_OPERATOR : TaskState.TASK_LOST,
        reason: aware ? TaskStatus_Reason.REASON_AGENT_REMOVED_BY_OPERATOR : TaskStatus_Reason.REASON_AGENT_REMOVED,
        message,
        agentId,
        executorId: record.task.executorId?.value,
      });
      core.updateTask(record, status);
      framework.unreachableTasks.delete(record.taskId);
      framework.completedTasks.push(record);
      while (framework.completedTasks.length > core.flags.max_completed_tasks_per_framework) framework.completedTasks.shift();
      if (framework.state === 'connected') core.forward(framework, status);
    }
  }
  return OK;
}

// ------------------------------------------------------------------------------------------------ draining

/**
 * Mesos's `checkAndTransitionDrainingAgent`: a DRAINING agent without tasks on the master becomes DRAINED, or is
 * marked gone if its drain said so. Called after the drain starts, after the agent re-registers, and after each of
 * its tasks is removed (terminal and acknowledged).
 */
export function checkDrained(core: MasterCore, agentId: string): void {
  const drain = core.maintenance.draining.get(agentId);
  const agent = core.agents.get(agentId);
  if (drain === undefined || drain.state !== DrainState.DRAINING || agent === undefined) return;
  let tasks = 0;
  for (const byTask of agent.tasks.values()) tasks += byTask.size;
  if (tasks > 0) {
    core.log.debug({ agentId, tasks }, `DRAINING agent ${agentId} has ${tasks} tasks`);
    return;
  }
  if (drain.config.markGone === true) {
    core.log.info({ agentId }, `Marking agent ${agentId} in the DRAINED state as gone`);
    markAgentGone(core, agentId);
    return;
  }
  core.log.info({ agentId }, `Transitioning agent ${agentId} to the DRAINED state`);
  drain.state = DrainState.DRAINED;
  mirror(core, agent);
  core.changes.emit({ kind: 'agent_updated', agent });
}

// ------------------------------------------------------------------------------------------------ admission

/**
 * Why an agent must not (re-)register, with the SHUTDOWN message Mesos sends: its ID was marked gone, or its
 * machine is DOWN. Undefined when it may.
 */
export function admissionRefusal(core: MasterCore, info: AgentInfo | undefined, ip: string, agentId: string | undefined): string | undefined {
  if (agentId !== undefined && core.maintenance.gone.has(agentId)) return 'Agent has been marked gone';
  if (core.maintenance.isDown({ hostname: info?.hostname ?? '', ip })) return 'Machine is `DOWN`';
  return undefined;
}

/** Refuses a session for {@link admissionRefusal}'s reason: SHUTDOWN, then the stream ends. */
export function refuseAdmission(core: MasterCore, session: AgentSession, pid: string, reason: string): void {
  core.log.warn({ pid }, `Refusing ${reason === 'Agent has been marked gone' ? 're-registration' : 'registration'} of agent at ${pid}: ${reason}`);
  refuseSession(session, reason);
}

/**
 * An agent was (re-)admitted and has had REGISTERED: it gets the unavailability of its machine, stays deactivated
 * if the operator deactivated it, and gets DRAIN again if it is being drained (in either drain state, as Mesos).
 * `reported` is the drain the agent says it is under (REREGISTER's `drain_config`).
 */
export function agentAdmitted(core: MasterCore, agent: Agent, reported: DrainConfig | undefined, addedToAllocator: boolean): void {
  if (reported !== undefined && !core.maintenance.draining.has(agent.id)) {
    core.log.info({ agentId: agent.id }, `Agent ${agent.id} reports it is draining; resuming the drain`);
    core.maintenance.draining.set(agent.id, { state: DrainState.DRAINING, config: reported });
    core.maintenance.deactivated.add(agent.id);
  }
  if (addedToAllocator) {
    const unavailability = core.maintenance.unavailabilityOf(agentMachineId(agent));
    if (unavailability !== undefined) {
      rescindInverseOffersOn(core, agent.id, false);
      core.guard('updateUnavailability', () => core.allocator.updateUnavailability(agent.id, unavailability));
    }
  }
  mirror(core, agent);
  if (core.maintenance.deactivated.has(agent.id)) {
    deactivate(core, agent);
    core.changes.emit({ kind: 'agent_updated', agent });
  }
  const drain = core.maintenance.draining.get(agent.id);
  if (drain !== undefined) {
    core.sendToAgent(agent, { type: internal.AgentEvent_Type.DRAIN, drain: { config: drain.config } });
    checkDrained(core, agent.id);
  }
}
