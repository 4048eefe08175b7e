/**
 * The rules Apache Mesos's v1 HTTP APIs share: the scheduler API (`POST /api/v1/scheduler` on the master), the
 * executor API (`POST /api/v1/executor` on the agent) and the operator APIs (`POST /api/v1` on both).
 *
 * Pure: {@link negotiate} (method, `Content-Type`, `Accept`, `Message-*`), {@link decodeRequest},
 * {@link encodeResponse}, {@link errorResponse}, {@link acceptsMediaType}. Runtime (Node `http`):
 * {@link createEventStream} and the small `write*` / {@link readBody} helpers.
 *
 * @packageDocumentation
 */
export {
  APPLICATION_JSON,
  APPLICATION_PROTOBUF,
  APPLICATION_RECORDIO,
  MESSAGE_ACCEPT,
  MESSAGE_CONTENT_TYPE,
  TEXT_PLAIN,
  acceptsMediaType,
  getHeader,
  mediaTypeOf,
  type ContentType,
  type MessageContentType,
  type RequestHeaders,
} from './media-types';
export {
  ALLOWED_METHODS,
  checkAgentStreamingCall,
  negotiate,
  negotiateRequest,
  negotiateResponse,
  type ApiEndpoint,
  type Negotiation,
  type RequestMediaTypes,
  type ResponseMediaTypes,
} from './negotiate';
export { decodeRequest, encodeMessage, encodeResponse, type DecodeRequestOptions, type EncodedMessage } from './codec';
export { errorResponse, type PlainResponse } from './responses';
export {
  createEventStream,
  readBody,
  writeAccepted,
  writeError,
  writeMessage,
  writeResponse,
  type EventStream,
  type EventStreamOptions,
  type HeartbeatOptions,
  type ReadBodyOptions,
  type StreamCloseReason,
  type StreamClosed,
} from './node-http';
export { readCall, type ReadCall } from './read-call';
