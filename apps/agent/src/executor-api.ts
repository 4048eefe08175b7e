/**
 * `POST /api/v1/executor`: the v1 executor HTTP API's HTTP side (Mesos's `Http::executor`, src/slave/http.cpp,
 * and `validateExecutorCall`, src/common/validation.cpp), in Mesos's order of checks:
 *
 * 1. method (405), `Content-Type` (400/415), body decode (400);
 * 2. call validation: 400 `Failed to validate Executor::Call: <what>`, naming the field;
 * 3. `Accept` for SUBSCRIBE only (406); HEARTBEAT is answered 202 here;
 * 4. framework / executor lookup (400 `Framework cannot be found` / `Executor cannot be found`), and a call other
 *    than SUBSCRIBE from an executor that has not subscribed (403 `Executor is not subscribed`);
 * 5. SUBSCRIBE: 200 and the event stream; UPDATE and MESSAGE: 202.
 *
 * The executor endpoint never streams requests or RecordIO-typed responses, so the agent operator API's
 * `checkAgentStreamingCall` has nothing to check here: `negotiateRequest(…, 'executor')` already refuses a
 * RecordIO body.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MesosTsError } from '@mesos-ts/errors';
import { createEventStream, decodeRequest, negotiateRequest, negotiateResponse, readBody, writeAccepted, writeError } from '@mesos-ts/http-api';
import { TaskState, TaskStatus_Source, executor } from '@mesos-ts/proto';
import type { AgentCore } from './agent-core';

/** Mesos's `validateExecutorCall` (without CheckStatusInfo validation). Returns what is wrong, or undefined. */
export function validateExecutorCall(call: executor.Call): string | undefined {
  if (call.type === undefined) return "Expecting 'type' to be present";
  if (call.executorId?.value === undefined) return "Expecting 'executor_id' to be present";
  if (call.frameworkId?.value === undefined) return "Expecting 'framework_id' to be present";
  const executorId = call.executorId.value;
  const frameworkId = call.frameworkId.value;
  switch (call.type) {
    case executor.Call_Type.SUBSCRIBE:
      if (call.subscribe === undefined) return "Expecting 'subscribe' to be present";
      for (const [i, update] of (call.subscribe.unacknowledgedUpdates ?? []).entries()) {
        if (update.status?.taskId?.value === undefined || update.status.state === undefined) {
          return `Expecting 'subscribe.unacknowledged_updates[${i}].status' with 'task_id' and 'state'`;
        }
      }
      return undefined;
    case executor.Call_Type.UPDATE: {
      if (call.update === undefined) return "Expecting 'update' to be present";
      const status = call.update.status;
      if (status === undefined) return "Expecting 'update.status' to be present";
      if (status.taskId?.value === undefined) return "Expecting 'update.status.task_id' to be present";
      if (status.state === undefined) return "Expecting 'update.status.state' to be present";
      if (status.uuid === undefined) return "Expecting 'uuid' to be present";
      if (status.uuid.byteLength !== 16) return `Invalid 'uuid': expected 16 bytes, got ${status.uuid.byteLength}`;
      if (status.executorId?.value !== undefined && status.executorId.value !== executorId) {
        return `ExecutorID in Call: ${executorId} does not match ExecutorID in TaskStatus: ${status.executorId.value}`;
      }
      if (status.source !== TaskStatus_Source.SOURCE_EXECUTOR) {
        return `Received Call from executor ${executorId} of framework ${frameworkId} with invalid source, expecting 'SOURCE_EXECUTOR'`;
      }
      if (status.state === TaskState.TASK_STAGING) {
        return `Received TASK_STAGING from executor ${executorId} of framework ${frameworkId} which is not allowed`;
      }
      return undefined;
    }
    case executor.Call_Type.MESSAGE:
      if (call.message === undefined) return "Expecting 'message' to be present";
      if (call.message.data === undefined) return "Expecting 'message.data' to be present";
      return undefined;
    default:
      return undefined;
  }
}

/** Answers one request to the executor API. Never throws; every failure is an HTTP answer. */
export async function handleExecutorApi(req: IncomingMessage, res: ServerResponse, core: AgentCore): Promise<void> {
  const request = negotiateRequest(req.method ?? '', req.headers, 'executor');
  if (!request.ok) return writeError(res, request.error);
  const body = await readBody(req);
  if (!body.ok) return writeError(res, body.error);
  const decoded = decodeRequest('mesos.v1.executor.Call', body.value, request.value.contentType);
  if (!decoded.ok) return writeError(res, decoded.error);
  const call = decoded.value;

  const invalid = validateExecutorCall(call);
  if (invalid !== undefined) return writeError(res, new MesosTsError('INVALID_ARGUMENT', `Failed to validate Executor::Call: ${invalid}`));

  let encoding: 'json' | 'protobuf' = 'json';
  if (call.type === executor.Call_Type.SUBSCRIBE) {
    const response = negotiateResponse(req.headers, 'executor');
    if (!response.ok) return writeError(res, response.error);
    encoding = response.value.messageEncoding;
  } else if (call.type === executor.Call_Type.HEARTBEAT) {
    // Mesos answers before any lookup: executors may send placeholder IDs here.
    return writeAccepted(res);
  }

  const framework = core.frameworks.get(call.frameworkId!.value!);
  if (framework === undefined) return writeError(res, new MesosTsError('INVALID_ARGUMENT', 'Framework cannot be found'));
  const record = framework.executors.get(call.executorId!.value!);
  if (record === undefined) return writeError(res, new MesosTsError('INVALID_ARGUMENT', 'Executor cannot be found'));
  if (record.state === 'REGISTERING' && call.type !== executor.Call_Type.SUBSCRIBE) {
    return writeError(res, new MesosTsError('FORBIDDEN', 'Executor is not subscribed'));
  }

  switch (call.type) {
    case executor.Call_Type.SUBSCRIBE: {
      const stream = createEventStream(res, { typeName: 'mesos.v1.executor.Event', contentType: encoding });
      core.subscribe(framework, record, call.subscribe!, stream);
      return;
    }
    case executor.Call_Type.UPDATE: {
      const updated = core.executorUpdate(record, call.update!.status!);
      if (!updated.ok) return writeError(res, updated.error);
      return writeAccepted(res);
    }
    case executor.Call_Type.MESSAGE:
      core.executorMessage(record, call.message!.data!);
      return writeAccepted(res);
    default:
      return writeError(res, new MesosTsError('NOT_IMPLEMENTED', `Call type ${executor.Call_Type[call.type ?? 0] ?? call.type} is not implemented`));
  }
}
