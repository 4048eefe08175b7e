/**
 * `POST /master/internal/agent`: the master's side of the mesos-ts master-agent protocol
 * (docs/master-agent-protocol.md). REGISTER and REREGISTER open a session, answered with a RecordIO stream of
 * AgentEvents (REGISTERED first); every other call carries the session's `Mesos-Stream-Id` and is answered 202.
 * A call that does not decode or lacks a field is a 400 naming it; a call outside the agent's current session a 403.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MesosTsError } from '@mesos-ts/errors';
import { createEventStream, getHeader, negotiateResponse, readCall, writeAccepted, writeError } from '@mesos-ts/http-api';
import { internal, type AgentInfo, type Resource } from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import { executorExited, frameworkMessage, parsePid, pong, registerAgent, removeAgent, reregisterAgent, statusUpdates } from './agents';
import { countAgentCall } from './call-metrics';
import type { MasterCore } from './core';
import { operationStatusFromAgent } from './reservations-apply';

const STREAM_ID = 'Mesos-Stream-Id';
const T = internal.AgentCall_Type;

function bad(message: string): MesosTsError {
  return new MesosTsError('INVALID_ARGUMENT', message);
}

function resourcesError(field: string, resources: readonly Resource[] | undefined): string | undefined {
  const parsed = Resources.fromProto(resources ?? []);
  return parsed.ok ? undefined : `Invalid '${field}': ${parsed.error.message}`;
}

function sessionCallError(field: 'register' | 'reregister', info: AgentInfo | undefined, pid: string | undefined): string | undefined {
  if (info === undefined) return `Expecting '${field}.agent_info' to be present`;
  if (pid === undefined || parsePid(pid) === undefined) return `Invalid '${field}.pid' '${pid ?? ''}': expected 'slave(1)@<ip>:<port>'`;
  if ((info.hostname ?? '') === '') return `Expecting '${field}.agent_info.hostname' to be present`;
  return resourcesError(`${field}.agent_info.resources`, info.resources);
}

/** What is wrong with a call, before any session check (400), or undefined. */
export function validateAgentCall(call: internal.AgentCall): string | undefined {
  if (call.type === undefined || call.type === T.UNKNOWN) return "Expecting 'type' to be present";
  if (call.type === T.REGISTER) {
    if (call.register === undefined) return "Expecting 'register' to be present";
    return sessionCallError('register', call.register.agentInfo, call.register.pid);
  }
  const agentId = call.agentId?.value;
  if (agentId === undefined || agentId === '') return "Expecting 'agent_id' to be present";
  switch (call.type) {
    case T.REREGISTER: {
      const rr = call.reregister;
      if (rr === undefined) return "Expecting 'reregister' to be present";
      const own = rr.agentInfo?.id?.value;
      if (own !== undefined && own !== agentId) return "'reregister.agent_info.id' differs from 'agent_id'";
      const error = sessionCallError('reregister', rr.agentInfo, rr.pid);
      if (error !== undefined) return error;
      for (const [i, task] of (rr.tasks ?? []).entries()) {
        const problem = resourcesError(`reregister.tasks[${i}].resources`, task.resources);
        if (problem !== undefined) return problem;
      }
      for (const [i, executor] of (rr.executors ?? []).entries()) {
        if (executor.frameworkId === undefined) return `Expecting 'reregister.executors[${i}].framework_id' to be present`;
        const problem = resourcesError(`reregister.executors[${i}].resources`, executor.resources);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    case T.STATUS_UPDATE:
      return call.statusUpdates === undefined ? "Expecting 'status_updates' to be present" : undefined;
    case T.EXECUTOR_EXITED:
      return call.executorExited === undefined ? "Expecting 'executor_exited' to be present" : undefined;
    case T.PONG:
      return call.pong === undefined ? "Expecting 'pong' to be present" : undefined;
    case T.FRAMEWORK_MESSAGE:
      return call.frameworkMessage === undefined ? "Expecting 'framework_message' to be present" : undefined;
    case T.UNREGISTER:
      return undefined;
    case T.UPDATE_OPERATION_STATUS: {
      const update = call.updateOperationStatus;
      if (update === undefined) return "Expecting 'update_operation_status' to be present";
      if (update.status?.state === undefined) return "Expecting 'update_operation_status.status.state' to be present";
      return update.operationUuid === undefined || update.operationUuid.byteLength !== 16 ? "Expecting 'update_operation_status.operation_uuid' to be a UUID" : undefined;
    }
    default:
      return `Unknown call type ${String(call.type)}`;
  }
}

/** Handles one request to `/master/internal/agent`. */
export async function handleAgentRequest(core: MasterCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const read = await readCall(req, res, 'scheduler', 'mesos_ts.internal.AgentCall');
  if (read === undefined) return;
  const call = read.call;
  const invalid = validateAgentCall(call);
  if (invalid !== undefined) return writeError(res, bad(invalid));

  if (call.type === T.REGISTER || call.type === T.REREGISTER) {
    const response = negotiateResponse(req.headers, 'scheduler');
    if (!response.ok) return writeError(res, response.error);
    const streamId = randomUUID();
    const stream = createEventStream(res, {
      typeName: 'mesos_ts.internal.AgentEvent',
      contentType: response.value.messageEncoding,
      recordio: true,
      headers: { [STREAM_ID]: streamId },
    });
    const session = { streamId, stream };
    countAgentCall(core.counters, call);
    try {
      if (call.type === T.REGISTER) registerAgent(core, session, call.register!);
      else reregisterAgent(core, session, call.agentId!.value!, call.reregister!);
    } catch (e) {
      // A half-made session helps nobody: end it, and the agent retries.
      core.log.error({ err: e }, `Internal error in ${T[call.type]}`);
      stream.close();
    }
    return;
  }

  const agentId = call.agentId!.value!;
  const streamId = getHeader(req.headers, STREAM_ID);
  if (streamId === undefined) return writeError(res, new MesosTsError('FORBIDDEN', "All non-register calls should include the 'Mesos-Stream-Id' header"));
  const agent = core.agents.get(agentId);
  if (agent === undefined || agent.session?.streamId !== streamId) {
    return writeError(res, new MesosTsError('FORBIDDEN', `The stream ID '${streamId}' included in this request is not the current session of agent ${agentId}`));
  }

  countAgentCall(core.counters, call);
  switch (call.type) {
    case T.STATUS_UPDATE:
      core.guard('STATUS_UPDATE', () => statusUpdates(core, agent, call.statusUpdates?.updates ?? []));
      break;
    case T.EXECUTOR_EXITED:
      core.guard('EXECUTOR_EXITED', () => executorExited(core, agent, call.executorExited!));
      break;
    case T.PONG:
      pong(agent);
      break;
    case T.FRAMEWORK_MESSAGE:
      core.guard('FRAMEWORK_MESSAGE', () => frameworkMessage(core, agent, call.frameworkMessage!));
      break;
    case T.UNREGISTER:
      core.guard('UNREGISTER', () => removeAgent(core, agent, 'the agent unregistered'));
      break;
    case T.UPDATE_OPERATION_STATUS:
      core.guard('UPDATE_OPERATION_STATUS', () => operationStatusFromAgent(core, agent, call.updateOperationStatus!));
      break;
  }
  writeAccepted(res);
}
