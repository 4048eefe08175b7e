/**
 * The first steps every v1 API endpoint takes with a POSTed call: the method and media types are checked for the
 * endpoint, the body is read and decoded. On any failure the error answer is written (405, 415, 400, ... as Mesos
 * answers them) and nothing is returned, so the handler just stops.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MessageName, MessageTypes } from '@mesos-ts/proto';
import { decodeRequest } from './codec';
import { negotiateRequest, type ApiEndpoint, type RequestMediaTypes } from './negotiate';
import { readBody, writeError } from './node-http';

/** A decoded call and the media types it came in. */
export interface ReadCall<N extends MessageName> {
  readonly call: MessageTypes[N];
  readonly media: RequestMediaTypes;
}

/** Reads and decodes a call of type `typeName` for `endpoint`; undefined once an error answer has been written. */
export async function readCall<N extends MessageName>(req: IncomingMessage, res: ServerResponse, endpoint: ApiEndpoint, typeName: N): Promise<ReadCall<N> | undefined> {
  const request = negotiateRequest(req.method ?? '', req.headers, endpoint);
  if (!request.ok) {
    // The body is not read: drain it so the connection stays usable.
    req.resume();
    writeError(res, request.error);
    return undefined;
  }
  const body = await readBody(req);
  if (!body.ok) {
    writeError(res, body.error);
    return undefined;
  }
  const decoded = decodeRequest(typeName, body.value, request.value.contentType);
  if (!decoded.ok) {
    writeError(res, decoded.error);
    return undefined;
  }
  return { call: decoded.value, media: request.value };
}
