// The runtime part of this package: everything that touches a Node `IncomingMessage` / `ServerResponse` or
// starts a timer lives here; the rest of the package is pure.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import type { MessageName, MessageTypes } from '@mesos-ts/proto';
import { encodeRecord } from '@mesos-ts/recordio';
import { encodeMessage, encodeResponse } from './codec';
import { APPLICATION_RECORDIO, MESSAGE_CONTENT_TYPE, mediaTypeOf, type MessageContentType } from './media-types';
import { errorResponse, type PlainResponse } from './responses';

/** Writes a complete response and ends it. */
export function writeResponse(res: ServerResponse, response: PlainResponse): void {
  res.writeHead(response.status, response.headers);
  res.end(response.body);
}

/** Answers with {@link errorResponse}: the error's status, its message as `text/plain`, `Allow` on 405. */
export function writeError(res: ServerResponse, error: MesosTsError): void {
  writeResponse(res, errorResponse(error));
}

/** Answers `status` (default 200) with one message encoded as the negotiated type (see `encodeResponse`). */
export function writeMessage<N extends MessageName>(
  res: ServerResponse,
  typeName: N,
  message: MessageTypes[N],
  contentType: MessageContentType,
  status = 200,
): void {
  const { body, contentType: type } = encodeResponse(typeName, message, contentType);
  writeResponse(res, { status, headers: { 'Content-Type': type, 'Content-Length': String(body.byteLength) }, body });
}

/** Answers `202 Accepted` with no body: what Mesos answers for calls processed asynchronously. */
export function writeAccepted(res: ServerResponse): void {
  res.writeHead(202, { 'Content-Length': '0' });
  res.end();
}

/** Options of {@link readBody}. */
export interface ReadBodyOptions {
  /** The largest body accepted; a larger one is a 413 error. Default 64 MiB. Mesos has no limit. */
  readonly maxBytes?: number;
}

/**
 * Reads a whole request body. Resolves (never rejects) with the bytes, a `PAYLOAD_TOO_LARGE` error once more
 * than `maxBytes` arrived (the rest is not buffered), or an `INVALID_ARGUMENT` error if the request is
 * aborted or fails.
 */
export function readBody(req: IncomingMessage, options: ReadBodyOptions = {}): Promise<Result<Uint8Array>> {
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: Result<Uint8Array>): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        chunks.length = 0;
        req.resume(); // drain and discard the rest
        settle(err(new MesosTsError('PAYLOAD_TOO_LARGE', `Request body exceeds ${maxBytes} bytes`)));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => settle(ok(Buffer.concat(chunks, size))));
    req.once('error', (e) => settle(err(new MesosTsError('INVALID_ARGUMENT', `Failed to read request body: ${e.message}`, { cause: e }))));
    req.once('close', () => {
      if (!req.complete) settle(err(new MesosTsError('INVALID_ARGUMENT', 'Received EOF while reading request body')));
    });
  });
}

/** Periodic keep-alive events on a stream. */
export interface HeartbeatOptions<N extends MessageName> {
  /** Time between heartbeats. Mesos's master uses 15 s (`DEFAULT_HEARTBEAT_INTERVAL`). */
  readonly intervalMs: number;
  /** The event sent each time, e.g. `{ type: scheduler.Event_Type.HEARTBEAT }`; encoded once. */
  readonly message: MessageTypes[N];
  /**
   * Time before the first heartbeat. Default: `intervalMs`. Mesos's scheduler heartbeater sends its first one
   * at once, right after SUBSCRIBED: do that with `startHeartbeat({ ..., delayMs: 0 })` after sending SUBSCRIBED.
   */
  readonly delayMs?: number;
}

/** Options of {@link createEventStream}. */
export interface EventStreamOptions<N extends MessageName> {
  /** The event message type, e.g. `'mesos.v1.scheduler.Event'`. */
  readonly typeName: N;
  /** How each event is encoded (the negotiated `accept`, or `messageAccept` for an agent RecordIO response). */
  readonly contentType: MessageContentType;
  /**
   * `false` (default): `Content-Type` is the events' own type (`application/json` or `application/x-protobuf`),
   * as the scheduler, executor and operator SUBSCRIBE streams answer even though the body is RecordIO.
   * `true`: `Content-Type: application/recordio` plus `Message-Content-Type: <event type>`, as the agent
   * answers its streaming calls (ATTACH_CONTAINER_OUTPUT, LAUNCH_NESTED_CONTAINER_SESSION).
   */
  readonly recordio?: boolean;
  /** More response headers, e.g. `{ 'Mesos-Stream-Id': id }`. */
  readonly headers?: OutgoingHttpHeaders;
  /** Start heartbeats at once (see {@link EventStream.startHeartbeat}). */
  readonly heartbeat?: HeartbeatOptions<N>;
  /**
   * Records held back while the client does not read (Node's `write` returned false and `drain` has not come).
   * One more closes the stream with reason `'overflow'` (the connection is destroyed, so the client sees the
   * stream end without its final chunk). Default 1024. Mesos buffers without limit.
   */
  readonly maxPending?: number;
}

/** Why a stream closed. */
export type StreamCloseReason =
  /** `close()` was called and everything was flushed to the socket. */
  | 'server'
  /** The client went away (or the connection broke) first. */
  | 'client'
  /** The client did not read and `maxPending` was exceeded. */
  | 'overflow'
  /** The response errored. */
  | 'error';

/** How a stream closed. */
export interface StreamClosed {
  readonly reason: StreamCloseReason;
  readonly error?: Error;
}

/** A v1 API event stream over one HTTP response: one RecordIO record per HTTP chunk. */
export interface EventStream<N extends MessageName> {
  /**
   * Encodes `event` and writes it as one record. Returns false (and sends nothing) once the stream is closed,
   * like Mesos's `StreamingHttpConnection::send`; true when written or queued behind a slow client.
   */
  send(event: MessageTypes[N]): boolean;
  /** Writes an already serialized event (framed here): for sending one encoding to many subscribers. */
  sendSerialized(event: Uint8Array | string): boolean;
  /** Starts (or restarts) heartbeats; timers are unref'd and stop when the stream closes. */
  startHeartbeat(options: HeartbeatOptions<N>): void;
  /** Stops heartbeats. */
  stopHeartbeat(): void;
  /** Records queued behind a client that is not reading (not yet handed to the socket). */
  readonly pending: number;
  /** Whether the stream has closed, or `close()` has been called. */
  readonly isClosed: boolean;
  /** Ends the stream after what is queued; resolves `closed` with `'server'` once flushed. Idempotent. */
  close(): void;
  /** Resolves once, when the stream is closed for good. */
  readonly closed: Promise<StreamClosed>;
  /** Calls `listener` once when the stream closes (at once if it has). Returns a function that unsubscribes. */
  onClosed(listener: (closed: StreamClosed) => void): () => void;
}

const DEFAULT_MAX_PENDING = 1024;

/**
 * Starts a Mesos v1 event stream on `res`: `200 OK` with the headers Mesos sends for a SUBSCRIBE response
 * (see {@link EventStreamOptions.recordio}) and chunked transfer encoding (Node's default for a response
 * without `Content-Length`), flushed at once so the client sees the status before the first event. Each
 * `send` is one `res.write` of one whole RecordIO record (`<length>\n<body>`), so each record travels in its
 * own HTTP chunk, as libprocess writes each pipe write.
 */
export function createEventStream<N extends MessageName>(res: ServerResponse, options: EventStreamOptions<N>): EventStream<N> {
  const { typeName, contentType } = options;
  const maxPending = options.maxPending ?? DEFAULT_MAX_PENDING;
  const headers: OutgoingHttpHeaders = options.recordio
    ? { 'Content-Type': APPLICATION_RECORDIO, [MESSAGE_CONTENT_TYPE]: mediaTypeOf(contentType) }
    : { 'Content-Type': mediaTypeOf(contentType) };
  Object.assign(headers, options.headers ?? {});

  const queue: Uint8Array[] = [];
  const listeners = new Set<(closed: StreamClosed) => void>();
  let closing = false;
  let result: StreamClosed | undefined;
  let heartbeatDelay: NodeJS.Timeout | undefined;
  let heartbeatInterval: NodeJS.Timeout | undefined;
  let resolveClosed!: (closed: StreamClosed) => void;
  const closed = new Promise<StreamClosed>((resolve) => (resolveClosed = resolve));

  const finish = (closedWith: StreamClosed): void => {
    if (result !== undefined) return;
    result = closedWith;
    closing = true;
    stopHeartbeat();
    queue.length = 0;
    res.off('drain', flush);
    resolveClosed(closedWith);
    for (const listener of listeners) listener(closedWith);
    listeners.clear();
  };

  function flush(): void {
    while (queue.length > 0 && !res.destroyed) {
      const record = queue.shift()!;
      if (!res.write(record)) return; // wait for the next 'drain'
    }
    if (closing && result === undefined && queue.length === 0) res.end();
  }

  const write = (record: Uint8Array): boolean => {
    if (closing || res.destroyed) return false;
    if (queue.length > 0 || res.writableNeedDrain) {
      if (queue.length >= maxPending) {
        const error = new MesosTsError(
          'UNAVAILABLE',
          `Event stream closed: the client is not reading and ${queue.length} records are pending (maxPending ${maxPending})`,
        );
        finish({ reason: 'overflow', error });
        res.destroy(error);
        return false;
      }
      queue.push(record);
      return true;
    }
    res.write(record);
    return true;
  };

  function stopHeartbeat(): void {
    if (heartbeatDelay !== undefined) clearTimeout(heartbeatDelay);
    if (heartbeatInterval !== undefined) clearInterval(heartbeatInterval);
    heartbeatDelay = heartbeatInterval = undefined;
  }

  const startHeartbeat = (heartbeat: HeartbeatOptions<N>): void => {
    stopHeartbeat();
    if (closing) return;
    const record = encodeRecord(encodeMessage(typeName, heartbeat.message, contentType));
    // Encoded once; nothing mutates it, so the same buffer can sit in the queue more than once.
    const beat = (): void => {
      write(record);
    };
    heartbeatDelay = setTimeout(() => {
      heartbeatDelay = undefined;
      beat();
      if (!closing) {
        heartbeatInterval = setInterval(beat, heartbeat.intervalMs);
        heartbeatInterval.unref();
      }
    }, heartbeat.delayMs ?? heartbeat.intervalMs);
    heartbeatDelay.unref();
  };

  res.on('drain', flush);
  res.once('close', () => {
    // 'close' after 'finish' is our own end; without 'finish' the connection went away first.
    finish(res.writableFinished ? { reason: 'server' } : { reason: 'client' });
  });
  res.on('error', (error) => finish({ reason: 'error', error }));

  res.writeHead(200, headers);
  res.flushHeaders();

  if (options.heartbeat !== undefined) startHeartbeat(options.heartbeat);

  return {
    send: (event) => write(encodeRecord(encodeMessage(typeName, event, contentType))),
    sendSerialized: (event) => write(encodeRecord(event)),
    startHeartbeat,
    stopHeartbeat,
    get pending() {
      return queue.length;
    },
    get isClosed() {
      return closing;
    },
    close: () => {
      if (closing) return;
      closing = true;
      stopHeartbeat();
      if (res.destroyed) return; // 'close' will settle it
      if (queue.length === 0) res.end();
      // else flush() ends it once the queue has drained
    },
    closed,
    onClosed: (listener) => {
      if (result !== undefined) {
        listener(result);
        return () => {};
      }
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
