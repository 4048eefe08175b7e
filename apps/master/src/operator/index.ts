/**
 * The v1 operator API on the master, `POST /api/v1` (and `/master/api/v1`), in the order Mesos 1.11's
 * `Master::Http::api` checks things (src/master/http.cpp): method and Content-Type (405, 400, 415), body
 * (400 "Failed to parse body into ..."), call validation (400 "Failed to validate master::Call: ..."), Accept
 * (406), then the call. SUBSCRIBE answers a RecordIO event stream (subscribers.ts); every other call a
 * `master.Response`, an empty 200/202, or an error with Mesos's plain-text message.
 *
 * Calls are answered by the handler tables of this module (calls.ts) and of the feature modules
 * (reservations.ts, maintenance.ts, files.ts), merged here. This module also adds the JSON endpoints `/roles`,
 * `/quota`, `/weights`, `/teardown` and `/redirect` (endpoints.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MesosTsError } from '@mesos-ts/errors';
import { negotiateResponse, readCall, writeError, writeMessage, writeResponse } from '@mesos-ts/http-api';
import { master } from '@mesos-ts/proto';
import type { MasterCore } from '../core';
import { filesOperatorHandlers } from '../files';
import { maintenanceOperatorHandlers } from '../maintenance';
import { reservationOperatorHandlers } from '../reservations';
import { empty, plainText, type MasterEndpoint } from '../responses';
import { coreOperatorHandlers } from './calls';
import { roleEndpoints } from './endpoints';
import type { OperatorAnswer, OperatorHandlers } from './handler';
import { operatorSubscribers } from './subscribers';
import { validateOperatorCall } from './validate';

export { answer, type OperatorAnswer, type OperatorCallHandler, type OperatorHandlers } from './handler';
export { operatorSubscribers, type OperatorSubscribers } from './subscribers';

/**
 * Every handler by call type. Built on first use, not at import: the feature modules import handler.ts from here
 * and may not have finished loading when this module does.
 */
let table: OperatorHandlers | undefined;

/** The merged handler table (this module's calls plus reservations, maintenance and files). */
export function operatorHandlers(): OperatorHandlers {
  table ??= { ...reservationOperatorHandlers, ...maintenanceOperatorHandlers, ...filesOperatorHandlers, ...coreOperatorHandlers };
  return table;
}

/** Writes a handler's answer in the negotiated encoding. */
function writeAnswer(core: MasterCore, res: ServerResponse, result: OperatorAnswer, encoding: 'json' | 'protobuf'): void {
  switch (result.kind) {
    case 'response':
      try {
        writeMessage(res, 'mesos.v1.master.Response', result.response, encoding);
      } catch (e) {
        core.log.error({ err: e, type: master.Response_Type[result.response.type ?? 0] }, 'Failed to encode an operator API response');
        writeResponse(res, plainText(500, `Failed to encode the response: ${(e as Error).message}`));
      }
      return;
    case 'ok':
      return writeResponse(res, empty(200));
    case 'accepted':
      return writeResponse(res, empty(202));
    case 'error':
      return writeResponse(res, plainText(result.status, result.message));
  }
}

/** Handles one request to `/api/v1`. Never throws for anything a client sends. */
export async function handleOperatorRequest(core: MasterCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const read = await readCall(req, res, 'master-operator', 'mesos.v1.master.Call');
  if (read === undefined) return;
  const call = read.call;
  const invalid = validateOperatorCall(call);
  if (invalid !== undefined) return writeError(res, new MesosTsError('INVALID_ARGUMENT', `Failed to validate master::Call: ${invalid}`));
  const response = negotiateResponse(req.headers, 'master-operator');
  if (!response.ok) return writeError(res, response.error);
  const encoding = response.value.messageEncoding;

  const type = call.type ?? master.Call_Type.UNKNOWN;
  const name = master.Call_Type[type] ?? String(type);
  core.log.info({ call: name }, `Processing call ${name}`);
  // libprocess's NotImplemented(): an empty 501.
  if (type === master.Call_Type.UNKNOWN) return writeResponse(res, empty(501));
  if (type === master.Call_Type.SUBSCRIBE) {
    operatorSubscribers(core).subscribe(res, encoding);
    return;
  }
  const handler = operatorHandlers()[type];
  if (handler === undefined) return writeResponse(res, plainText(501, `The master does not implement the ${name} call yet`));
  let result: OperatorAnswer;
  try {
    result = await handler(core, call);
  } catch (e) {
    core.log.error({ err: e, call: name }, `Operator call ${name} failed`);
    result = { kind: 'error', status: 500, message: `Failed to process ${name}: ${(e as Error).message}` };
  }
  writeAnswer(core, res, result, encoding);
}

/** The operator API's routes plus the role, quota, weights, teardown and redirect endpoints. */
export const operatorEndpoints: readonly MasterEndpoint[] = [{ paths: ['/api/v1', '/master/api/v1'], handle: handleOperatorRequest }, ...roleEndpoints];
