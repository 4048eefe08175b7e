/**
 * `POST /api/v1/scheduler`, in the order Mesos 1.11's `Master::Http::scheduler` checks things
 * (src/master/http.cpp): method and Content-Type, body, call validation, Accept (SUBSCRIBE only), then the
 * framework and its stream, then the call. SUBSCRIBE answers a RecordIO event stream; the other calls 202 (or
 * 200/400 for UPDATE_FRAMEWORK). Nothing a client sends can throw out of here.
 *
 * One deliberate difference: a missing or wrong `Mesos-Stream-Id` is a 403 (Mesos 1.11 answers 400 with the
 * same words); the project's API contract treats it as a permission problem, like "Framework is not subscribed".
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MesosTsError } from '@mesos-ts/errors';
import { createEventStream, getHeader, negotiateResponse, readCall, writeAccepted, writeError, writeResponse } from '@mesos-ts/http-api';
import { scheduler } from '@mesos-ts/proto';
import { countSchedulerCall } from './call-metrics';
import type { MasterCore } from './core';
import { removeFramework, subscribe, updateFrameworkCall, type UpdateFrameworkResult } from './frameworks';
import { acceptInverseOffers, declineInverseOffers } from './inverse-offers';
import * as calls from './scheduler-calls';
import { validateSchedulerCall } from './validation';

const STREAM_ID = 'Mesos-Stream-Id';

function fail(res: ServerResponse, code: 'INVALID_ARGUMENT' | 'FORBIDDEN' | 'NOT_IMPLEMENTED', message: string): void {
  writeError(res, new MesosTsError(code, message));
}

/** Handles one request to `/api/v1/scheduler`. */
export async function handleSchedulerRequest(core: MasterCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const read = await readCall(req, res, 'scheduler', 'mesos.v1.scheduler.Call');
  if (read === undefined) return;
  const call = read.call;

  const invalid = validateSchedulerCall(call);
  if (invalid !== undefined) {
    core.counters.invalid_scheduler_calls++;
    return fail(res, 'INVALID_ARGUMENT', `Failed to validate scheduler::Call: ${invalid}`);
  }

  const T = scheduler.Call_Type;
  if (call.type === T.SUBSCRIBE) {
    const response = negotiateResponse(req.headers, 'scheduler');
    if (!response.ok) return writeError(res, response.error);
    if (getHeader(req.headers, STREAM_ID) !== undefined) return fail(res, 'INVALID_ARGUMENT', "Subscribe calls should not include the 'Mesos-Stream-Id' header");
    countSchedulerCall(core.counters, call);
    const streamId = randomUUID();
    const stream = createEventStream(res, { typeName: 'mesos.v1.scheduler.Event', contentType: response.value.messageEncoding, headers: { [STREAM_ID]: streamId } });
    core.guard('SUBSCRIBE', () => subscribe(core, { streamId, stream }, call.subscribe ?? {}));
    return;
  }
  if (call.type === T.RECONCILE_OPERATIONS) {
    const response = negotiateResponse(req.headers, 'scheduler');
    if (!response.ok) return writeError(res, response.error);
  }

  const frameworkId = call.frameworkId?.value ?? '';
  const framework = core.frameworks.get(frameworkId);
  if (framework === undefined) return fail(res, 'INVALID_ARGUMENT', 'Framework cannot be found');
  if (framework.state !== 'connected' || framework.connection === undefined) return fail(res, 'FORBIDDEN', 'Framework is not subscribed');
  const streamId = getHeader(req.headers, STREAM_ID);
  if (streamId === undefined) return fail(res, 'FORBIDDEN', "All non-subscribe calls should include the 'Mesos-Stream-Id' header");
  if (streamId !== framework.connection.streamId) {
    return fail(res, 'FORBIDDEN', `The stream ID '${streamId}' included in this request didn't match the stream ID currently associated with framework ID ${frameworkId}`);
  }

  countSchedulerCall(core.counters, call);
  const run = (what: string, fn: () => void): void => {
    core.guard(what, fn);
    writeAccepted(res);
  };
  switch (call.type) {
    case T.TEARDOWN:
      core.log.info({ frameworkId }, `Processing TEARDOWN call for framework ${frameworkId}`);
      // Answer first: removing the framework closes its event stream.
      writeAccepted(res);
      core.guard('TEARDOWN', () => removeFramework(core, framework));
      return;
    case T.ACCEPT:
      return run('ACCEPT', () => calls.accept(core, framework, call.accept!));
    case T.DECLINE:
      return run('DECLINE', () => calls.decline(core, framework, call.decline!));
    case T.ACCEPT_INVERSE_OFFERS:
      return run('ACCEPT_INVERSE_OFFERS', () => acceptInverseOffers(core, framework, call.acceptInverseOffers ?? {}));
    case T.DECLINE_INVERSE_OFFERS:
      return run('DECLINE_INVERSE_OFFERS', () => declineInverseOffers(core, framework, call.declineInverseOffers ?? {}));
    case T.REVIVE:
      return run('REVIVE', () => calls.revive(core, framework, call.revive));
    case T.SUPPRESS:
      return run('SUPPRESS', () => calls.suppress(core, framework, call.suppress));
    case T.KILL:
      return run('KILL', () => calls.kill(core, framework, call.kill!));
    case T.SHUTDOWN:
      return run('SHUTDOWN', () => calls.shutdown(core, framework, call.shutdown!));
    case T.ACKNOWLEDGE:
      return run('ACKNOWLEDGE', () => calls.acknowledge(core, framework, call.acknowledge!));
    case T.ACKNOWLEDGE_OPERATION_STATUS:
      return run('ACKNOWLEDGE_OPERATION_STATUS', () => calls.acknowledgeOperation(core, framework, call.acknowledgeOperationStatus!));
    case T.RECONCILE:
      return run('RECONCILE', () => calls.reconcile(core, framework, call.reconcile!));
    case T.RECONCILE_OPERATIONS:
      return run('RECONCILE_OPERATIONS', () => calls.reconcileOperations(core, framework, call.reconcileOperations!));
    case T.MESSAGE:
      return run('MESSAGE', () => calls.message(core, framework, call.message!));
    case T.REQUEST:
      return run('REQUEST', () => calls.noop(core, framework, T.REQUEST, 'resource requests are ignored by the hierarchical allocator'));
    case T.UPDATE_FRAMEWORK: {
      let result: UpdateFrameworkResult;
      try {
        result = updateFrameworkCall(core, framework, call.updateFramework!);
      } catch (e) {
        core.log.error({ err: e, frameworkId }, 'Internal error in UPDATE_FRAMEWORK');
        return writeError(res, new MesosTsError('INTERNAL', 'Internal error while updating the framework'));
      }
      if (result.status === 200) return writeResponse(res, { status: 200, headers: { 'Content-Length': '0' }, body: new Uint8Array() });
      return fail(res, 'INVALID_ARGUMENT', result.message ?? 'Invalid UPDATE_FRAMEWORK call');
    }
    default:
      core.log.warn({ frameworkId }, "Received 'UNKNOWN' call");
      return writeResponse(res, { status: 501, headers: { 'Content-Length': '0' }, body: new Uint8Array() });
  }
}
