import { MesosTsError, type ErrorCode } from '@mesos-ts/errors';

/**
 * Why a scheduler client operation failed (closed set):
 * - `HTTP_STATUS`: the master answered a status other than 200 (SUBSCRIBE) or 202 (calls); see `status`, `body`.
 * - `HEARTBEAT_TIMEOUT`: nothing arrived for `heartbeatGrace` heartbeat intervals; the connection is presumed dead.
 * - `DISCONNECTED`: the event stream ended, or the connection failed (refused, reset).
 * - `TOO_MANY_REDIRECTS`: more than `maxRedirects` 307s in a row, or a 307 without `Location`.
 * - `PROTOCOL`: the master sent something this client cannot read (bad RecordIO, undecodable event, no stream id,
 *   first event not SUBSCRIBED).
 * - `NOT_SUBSCRIBED`: a call was made before SUBSCRIBED gave a stream id.
 * - `CLOSED`: the client was closed.
 */
export type SchedulerErrorKind = 'HTTP_STATUS' | 'HEARTBEAT_TIMEOUT' | 'DISCONNECTED' | 'TOO_MANY_REDIRECTS' | 'PROTOCOL' | 'NOT_SUBSCRIBED' | 'CLOSED';

/** The `MesosTsError` code each failure reports (a master's HTTP status maps to the code with that status). */
const STATUS_CODES: ReadonlyMap<number, ErrorCode> = new Map<number, ErrorCode>([
  [400, 'INVALID_ARGUMENT'],
  [401, 'UNAUTHENTICATED'],
  [403, 'FORBIDDEN'],
  [404, 'NOT_FOUND'],
  [405, 'METHOD_NOT_ALLOWED'],
  [406, 'NOT_ACCEPTABLE'],
  [409, 'CONFLICT'],
  [413, 'PAYLOAD_TOO_LARGE'],
  [415, 'UNSUPPORTED_MEDIA_TYPE'],
  [501, 'NOT_IMPLEMENTED'],
  [503, 'UNAVAILABLE'],
]);

function codeOf(kind: SchedulerErrorKind, status: number | undefined): ErrorCode {
  if (kind === 'HTTP_STATUS' && status !== undefined) return STATUS_CODES.get(status) ?? (status >= 500 ? 'UNAVAILABLE' : 'INVALID_ARGUMENT');
  if (kind === 'PROTOCOL') return 'INTERNAL';
  if (kind === 'NOT_SUBSCRIBED') return 'FORBIDDEN';
  return 'UNAVAILABLE';
}

/**
 * The error the client throws: a `MesosTsError` (so `code`/`httpStatus` work as everywhere in mesos-ts) with the
 * client's own `kind`, and for `HTTP_STATUS` the master's `status` and response `body` (Mesos's error text).
 */
export class SchedulerError extends MesosTsError {
  readonly kind: SchedulerErrorKind;
  /** The master's HTTP status (`HTTP_STATUS` only). */
  readonly status: number | undefined;
  /** The master's response body, as text (`HTTP_STATUS` only). */
  readonly body: string | undefined;

  constructor(kind: SchedulerErrorKind, message: string, options: { status?: number; body?: string; cause?: unknown } = {}) {
    super(codeOf(kind, options.status), message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.status = options.status;
    this.body = options.body;
  }

  /**
   * Whether resubscribing may help: lost connections, heartbeat timeouts, redirect trouble and 5xx (e.g. `503 Master
   * has not finished recovery`). 4xx answers and protocol errors would just repeat.
   */
  get retryable(): boolean {
    if (this.kind === 'HTTP_STATUS') return this.status !== undefined && this.status >= 500;
    return this.kind === 'DISCONNECTED' || this.kind === 'HEARTBEAT_TIMEOUT' || this.kind === 'TOO_MANY_REDIRECTS';
  }
}

/** Type guard for {@link SchedulerError}. */
export function isSchedulerError(value: unknown): value is SchedulerError {
  return value instanceof SchedulerError;
}
