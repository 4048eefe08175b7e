import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import {
  APPLICATION_JSON,
  APPLICATION_PROTOBUF,
  APPLICATION_RECORDIO,
  MESSAGE_ACCEPT,
  MESSAGE_CONTENT_TYPE,
  acceptsMediaType,
  getHeader,
  type ContentType,
  type MessageContentType,
  type RequestHeaders,
} from './media-types';

/**
 * The four v1 endpoints, which share one set of rules with small differences:
 *
 * - `scheduler`: the master's `POST /api/v1/scheduler` (src/master/http.cpp, `Master::Http::scheduler`);
 * - `executor`: the agent's `POST /api/v1/executor` (src/slave/http.cpp, `Http::executor`);
 * - `master-operator`: the master's `POST /api/v1` (`Master::Http::api`);
 * - `agent-operator`: the agent's `POST /api/v1` (`Http::api`), the only one that also takes and answers
 *   `application/recordio` streams with `Message-Content-Type` / `Message-Accept`.
 */
export type ApiEndpoint = 'scheduler' | 'executor' | 'master-operator' | 'agent-operator';

/** What the request body is. */
export interface RequestMediaTypes {
  /** The body's media type, from `Content-Type`; `'recordio'` only on the agent operator API. */
  readonly contentType: ContentType;
  /** Set exactly when `contentType` is `'recordio'`: how each record is encoded (`Message-Content-Type`). */
  readonly messageContentType?: MessageContentType;
}

/** What the response body will be. */
export interface ResponseMediaTypes {
  /** The response's media type, chosen from `Accept` (JSON when there is no `Accept`). */
  readonly accept: ContentType;
  /** Set exactly when `accept` is `'recordio'`: how each record is encoded (`Message-Accept`, default JSON). */
  readonly messageAccept?: MessageContentType;
  /**
   * How each message of the response is encoded: `accept` itself, or `messageAccept` for a RecordIO response.
   * This is the `contentType` to give `encodeResponse` and `createEventStream` (Mesos picks it the same way in
   * `Http::_attachContainerOutput`). Scheduler, executor and operator event streams are RecordIO framed
   * although `accept` is `json` or `protobuf`; the framing is the endpoint's, not negotiated.
   */
  readonly messageEncoding: MessageContentType;
}

/** Everything {@link negotiate} decides: Mesos's `RequestMediaTypes` (src/common/http.hpp). */
export type Negotiation = RequestMediaTypes & ResponseMediaTypes;

/** The methods every v1 endpoint allows (the `Allow` header of a 405). */
export const ALLOWED_METHODS: readonly string[] = ['POST'];

/** libprocess's `MethodNotAllowed` body (3rdparty/libprocess/include/process/http.hpp). */
function methodNotAllowed(method: string): MesosTsError {
  return new MesosTsError(
    'METHOD_NOT_ALLOWED',
    `405 Method Not Allowed. Expecting one of { '${ALLOWED_METHODS.join("', '")}' }, but received '${method}'.`,
  );
}

/**
 * Checks the method and the request's `Content-Type` (and, on the agent operator API, `Message-Content-Type`),
 * in Mesos's order:
 *
 * 1. a method other than `POST`: 405 `405 Method Not Allowed. Expecting one of { 'POST' }, but received 'GET'.`
 *    (answer it with `Allow: POST`; {@link errorResponse} adds it);
 * 2. no `Content-Type`: 400 `Expecting 'Content-Type' to be present`;
 * 3. a `Content-Type` that is not exactly `application/json` or `application/x-protobuf` (Mesos compares the
 *    whole string, case and parameters included, so `application/json; charset=utf-8` is refused): 415
 *    `Expecting 'Content-Type' of application/json or application/x-protobuf` (the agent operator API also
 *    takes `application/recordio` and adds ` or application/recordio`);
 * 4. agent operator API only: a RecordIO body needs `Message-Content-Type` (400 `Expecting
 *    'Message-Content-Type' to be set for streaming requests`) of JSON or protobuf (415 `Expecting
 *    'Message-Content-Type' of application/json or application/x-protobuf`); any other body must not have one
 *    (415 `Expecting 'Message-Content-Type' to be not set for non-streaming requests`).
 *
 * Never throws.
 */
export function negotiateRequest(method: string, headers: RequestHeaders, endpoint: ApiEndpoint): Result<RequestMediaTypes> {
  if (method !== 'POST') return err(methodNotAllowed(method));

  const contentType = getHeader(headers, 'Content-Type');
  if (contentType === undefined) {
    return err(new MesosTsError('INVALID_ARGUMENT', "Expecting 'Content-Type' to be present"));
  }

  if (endpoint !== 'agent-operator') {
    if (contentType === APPLICATION_PROTOBUF) return ok({ contentType: 'protobuf' });
    if (contentType === APPLICATION_JSON) return ok({ contentType: 'json' });
    return err(
      new MesosTsError('UNSUPPORTED_MEDIA_TYPE', `Expecting 'Content-Type' of ${APPLICATION_JSON} or ${APPLICATION_PROTOBUF}`),
    );
  }

  let type: ContentType;
  if (contentType === APPLICATION_JSON) type = 'json';
  else if (contentType === APPLICATION_PROTOBUF) type = 'protobuf';
  else if (contentType === APPLICATION_RECORDIO) type = 'recordio';
  else {
    return err(
      new MesosTsError(
        'UNSUPPORTED_MEDIA_TYPE',
        `Expecting 'Content-Type' of ${APPLICATION_JSON} or ${APPLICATION_PROTOBUF} or ${APPLICATION_RECORDIO}`,
      ),
    );
  }

  const messageContentType = getHeader(headers, MESSAGE_CONTENT_TYPE);
  if (type === 'recordio') {
    if (messageContentType === undefined) {
      return err(new MesosTsError('INVALID_ARGUMENT', `Expecting '${MESSAGE_CONTENT_TYPE}' to be set for streaming requests`));
    }
    if (messageContentType === APPLICATION_JSON) return ok({ contentType: type, messageContentType: 'json' });
    if (messageContentType === APPLICATION_PROTOBUF) return ok({ contentType: type, messageContentType: 'protobuf' });
    return err(
      new MesosTsError(
        'UNSUPPORTED_MEDIA_TYPE',
        `Expecting '${MESSAGE_CONTENT_TYPE}' of ${APPLICATION_JSON} or ${APPLICATION_PROTOBUF}`,
      ),
    );
  }
  if (messageContentType !== undefined) {
    return err(
      new MesosTsError('UNSUPPORTED_MEDIA_TYPE', `Expecting '${MESSAGE_CONTENT_TYPE}' to be not set for non-streaming requests`),
    );
  }
  return ok({ contentType: type });
}

/**
 * Chooses the response's media type from `Accept` (and, on the agent operator API, `Message-Accept`), as Mesos
 * does: JSON if `Accept` admits it, else protobuf, else (agent operator API) RecordIO, else 406. `Accept` is
 * matched by {@link acceptsMediaType} (libprocess's rules: no header accepts all, so JSON; `*\/*`, `type/*`
 * and `q=0` are honoured, but q-values never reorder the preference).
 *
 * - scheduler, executor, master operator API: 406 `Expecting 'Accept' to allow 'application/x-protobuf' or
 *   'application/json'`.
 * - agent operator API: 406 `Expecting 'Accept' to allow application/json or application/x-protobuf or
 *   application/recordio`; for a RecordIO response, `Message-Accept` chooses JSON (also when absent) or
 *   protobuf, else 406 `Expecting 'Message-Accept' to allow application/json or application/x-protobuf`; for
 *   any other response `Message-Accept` must be absent (406 `Expecting 'Message-Accept' to be not set for
 *   non-streaming responses`).
 *
 * Mesos checks `Accept` at different moments per endpoint: the agent operator API before reading the body; the
 * master operator API after decoding and validating the call; the scheduler API only for `SUBSCRIBE` and
 * `RECONCILE_OPERATIONS` calls and the executor API only for `SUBSCRIBE`, after decoding. Call this where the
 * daemon's handler needs it to answer the same error for the same request. Never throws.
 */
export function negotiateResponse(headers: RequestHeaders, endpoint: ApiEndpoint): Result<ResponseMediaTypes> {
  const accept = getHeader(headers, 'Accept');
  if (endpoint !== 'agent-operator') {
    if (acceptsMediaType(accept, APPLICATION_JSON)) return ok({ accept: 'json', messageEncoding: 'json' });
    if (acceptsMediaType(accept, APPLICATION_PROTOBUF)) return ok({ accept: 'protobuf', messageEncoding: 'protobuf' });
    return err(
      new MesosTsError('NOT_ACCEPTABLE', `Expecting 'Accept' to allow '${APPLICATION_PROTOBUF}' or '${APPLICATION_JSON}'`),
    );
  }

  let type: ContentType;
  if (acceptsMediaType(accept, APPLICATION_JSON)) type = 'json';
  else if (acceptsMediaType(accept, APPLICATION_PROTOBUF)) type = 'protobuf';
  else if (acceptsMediaType(accept, APPLICATION_RECORDIO)) type = 'recordio';
  else {
    return err(
      new MesosTsError(
        'NOT_ACCEPTABLE',
        `Expecting 'Accept' to allow ${APPLICATION_JSON} or ${APPLICATION_PROTOBUF} or ${APPLICATION_RECORDIO}`,
      ),
    );
  }

  const messageAccept = getHeader(headers, MESSAGE_ACCEPT);
  if (type === 'recordio') {
    if (acceptsMediaType(messageAccept, APPLICATION_JSON)) return ok({ accept: type, messageAccept: 'json', messageEncoding: 'json' });
    if (acceptsMediaType(messageAccept, APPLICATION_PROTOBUF)) {
      return ok({ accept: type, messageAccept: 'protobuf', messageEncoding: 'protobuf' });
    }
    return err(
      new MesosTsError('NOT_ACCEPTABLE', `Expecting '${MESSAGE_ACCEPT}' to allow ${APPLICATION_JSON} or ${APPLICATION_PROTOBUF}`),
    );
  }
  if (messageAccept !== undefined) {
    return err(new MesosTsError('NOT_ACCEPTABLE', `Expecting '${MESSAGE_ACCEPT}' to be not set for non-streaming responses`));
  }
  return ok({ accept: type, messageEncoding: type });
}

/**
 * {@link negotiateRequest} then {@link negotiateResponse}: validates a v1 API request's method and headers and
 * returns the request's and the response's media types, or the error Mesos answers (its `httpStatus` is the
 * status and its `message` the exact body; see {@link errorResponse}).
 *
 * This checks `Accept` before the body is read, which is Mesos's order on the agent operator API. On the other
 * three endpoints Mesos reports a bad body (400) before a bad `Accept` (406), and the scheduler and executor APIs
 * only look at `Accept` for calls with a response body; handlers that must match that call
 * {@link negotiateRequest}, {@link decodeRequest} and {@link negotiateResponse} themselves. Never throws.
 */
export function negotiate(method: string, headers: RequestHeaders, endpoint: ApiEndpoint): Result<Negotiation> {
  const request = negotiateRequest(method, headers, endpoint);
  if (!request.ok) return request;
  const response = negotiateResponse(headers, endpoint);
  if (!response.ok) return response;
  return ok({ ...request.value, ...response.value });
}

/**
 * The agent operator API's per-call streaming rules (src/slave/http.cpp, `Http::_api`), checked once the call
 * type is known (`callType` is the enum name, e.g. `'GET_STATE'`):
 *
 * - a RecordIO request is only for `ATTACH_CONTAINER_INPUT` (415 `Streaming 'Content-Type'
 *   application/recordio is not supported for GET_STATE call`), and `ATTACH_CONTAINER_INPUT` must be one
 *   (415 `Expecting 'Content-Type' to be application/recordio for ATTACH_CONTAINER_INPUT call`);
 * - a RecordIO response is only for `ATTACH_CONTAINER_OUTPUT` and `LAUNCH_NESTED_CONTAINER_SESSION`
 *   (406 `Streaming response is not supported for GET_STATE call`).
 */
export function checkAgentStreamingCall(callType: string, negotiation: Negotiation): Result<Negotiation> {
  if (negotiation.contentType === 'recordio' && callType !== 'ATTACH_CONTAINER_INPUT') {
    return err(
      new MesosTsError('UNSUPPORTED_MEDIA_TYPE', `Streaming 'Content-Type' ${APPLICATION_RECORDIO} is not supported for ${callType} call`),
    );
  }
  if (negotiation.contentType !== 'recordio' && callType === 'ATTACH_CONTAINER_INPUT') {
    return err(
      new MesosTsError('UNSUPPORTED_MEDIA_TYPE', `Expecting 'Content-Type' to be ${APPLICATION_RECORDIO} for ${callType} call`),
    );
  }
  if (
    negotiation.accept === 'recordio' &&
    callType !== 'ATTACH_CONTAINER_OUTPUT' &&
    callType !== 'LAUNCH_NESTED_CONTAINER_SESSION'
  ) {
    return err(new MesosTsError('NOT_ACCEPTABLE', `Streaming response is not supported for ${callType} call`));
  }
  return ok(negotiation);
}
