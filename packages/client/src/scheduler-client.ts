/**
 * The runtime half of the package: HTTP (undici), timers and backoff. Everything that builds calls is pure and
 * lives in `calls.ts`.
 */
import { decodeProtobuf, encodeMesosJson, encodeProtobuf, parseMesosJson, scheduler, type ExecutorID, type OperationStatus, type Filters, type FrameworkID, type FrameworkInfo, type KillPolicy, type Offer, type Offer_Operation, type TaskInfo, type TaskStatus, type AgentID, type TaskID } from '@mesos-ts/proto';
import { decodeRecords, isRecordIOError } from '@mesos-ts/recordio';
import { request, type Dispatcher } from 'undici';
import {
  acceptCall,
  acceptInverseOffersCall,
  acknowledgeCall,
  acknowledgeOperationStatusCall,
  declineCall,
  declineInverseOffersCall,
  killCall,
  messageCall,
  shutdownCall,
  updateFrameworkCall,
  type UpdateFrameworkOptions,
  launchCall,
  reconcileCall,
  reviveCall,
  suppressCall,
  teardownCall,
  withFrameworkId,
  type OfferIdLike,
  type ReconcileTask,
} from './calls';
import { SchedulerError } from './errors';

/** Automatic resubscription after a retryable failure, with exponential backoff and full jitter. */
export interface ReconnectOptions {
  /** First backoff ceiling. Default 500 ms. */
  readonly initialDelayMs?: number;
  /** Largest backoff ceiling. Default 30 s. */
  readonly maxDelayMs?: number;
  /** Failed attempts in a row before the iteration ends with the last error. Default: unlimited. */
  readonly maxAttempts?: number;
}

/** Options of {@link SchedulerClient}. */
export interface SchedulerClientOptions {
  /** The master (any master: a non-leader answers 307 to the leader), e.g. `http://master.example:5050`. */
  readonly master: string;
  /** Encoding of calls and events. Default `'json'`. */
  readonly contentType?: 'json' | 'protobuf';
  /** The framework to subscribe. Its `id`, when set, is used on the first SUBSCRIBE (failover of a known framework). */
  readonly frameworkInfo: FrameworkInfo;
  /**
   * Heartbeat intervals (`heartbeat_interval_seconds` from SUBSCRIBED) without any event before the connection is
   * presumed dead. Default 5, as common Mesos clients (and the scheduler HTTP API docs) suggest.
   */
  readonly heartbeatGrace?: number;
  /** Resubscribe automatically after retryable failures; `true` for the defaults. Default: off. */
  readonly reconnect?: boolean | ReconnectOptions;
  /** 307 redirects followed in a row before giving up. Default 5. */
  readonly maxRedirects?: number;
  /** The undici dispatcher (an `Agent`, a `MockAgent` in tests). Default: undici's global dispatcher. */
  readonly dispatcher?: Dispatcher;
  /** Extra request headers on every request, e.g. `Authorization`. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** An open subscription: the events, and a way to stop them. */
export interface Subscription extends AsyncIterable<scheduler.Event> {
  /** Ends the iteration and closes the connection (the master sees the scheduler disconnect). */
  close(): void;
}

const SCHEDULER_PATH = '/api/v1/scheduler';
const STREAM_ID = 'mesos-stream-id';

interface OpenStream {
  readonly body: AsyncIterable<Uint8Array>;
  readonly abort: () => void;
}

/**
 * A client of the v1 scheduler HTTP API.
 *
 * Preconditions: one subscription at a time (a new `subscribe()` closes the previous one, as the master would on
 * resubscription); calls need a SUBSCRIBED event first (they carry its `Mesos-Stream-Id`).
 */
export class SchedulerClient {
  readonly #options: SchedulerClientOptions;
  readonly #mediaType: string;
  #base: URL;
  #frameworkId: FrameworkID | undefined;
  #streamId: string | undefined;
  #heartbeatIntervalSeconds: number | undefined;
  #current: { close(): void } | undefined;
  #closed = false;

  constructor(options: SchedulerClientOptions) {
    this.#options = options;
    this.#mediaType = options.contentType === 'protobuf' ? 'application/x-protobuf' : 'application/json';
    this.#base = new URL(options.master);
    this.#frameworkId = options.frameworkInfo.id;
  }

  /** The framework ID, once known (set by SUBSCRIBED, kept across reconnections). */
  get frameworkId(): FrameworkID | undefined {
    return this.#frameworkId;
  }

  /** The `Mesos-Stream-Id` of the current subscription. */
  get streamId(): string | undefined {
    return this.#streamId;
  }

  /** The master calls go to: the configured one, or the leader a 307 pointed at. */
  get leader(): string {
    return this.#base.origin;
  }

  /** The heartbeat interval the master announced in SUBSCRIBED, if any. */
  get heartbeatIntervalSeconds(): number | undefined {
    return this.#heartbeatIntervalSeconds;
  }

  /**
   * Subscribes (or resubscribes with the known framework ID) and yields the events, SUBSCRIBED first. The
   * iteration throws a {@link SchedulerError} when the stream fails (`HEARTBEAT_TIMEOUT`, `DISCONNECTED`,
   * `HTTP_STATUS`, ...), unless `reconnect` is on and the error is retryable: then it resubscribes with backoff and
   * goes on with the new SUBSCRIBED. After an ERROR event (fatal for the framework) it yields it and ends.
   * Breaking out of the loop closes the connection.
   */
  subscribe(): Subscription {
    if (this.#closed) throw new SchedulerError('CLOSED', 'The client is closed');
    this.#current?.close();
    const controller = new AbortController();
    const subscription: Subscription = {
      close: () => controller.abort(),
      [Symbol.asyncIterator]: () => this.#events(controller.signal),
    };
    this.#current = subscription;
    return subscription;
  }

  /** Explicit resubscription: closes the current stream and subscribes again with the known framework ID. */
  resubscribe(): Subscription {
    return this.subscribe();
  }

  /** Closes the current subscription; the client can no longer subscribe. Calls already sent are not cancelled. */
  close(): void {
    this.#closed = true;
    this.#current?.close();
    this.#current = undefined;
  }

  async *#events(signal: AbortSignal): AsyncGenerator<scheduler.Event, void, undefined> {
    const reconnect = this.#options.reconnect;
    const policy: ReconnectOptions | undefined = reconnect === true ? {} : reconnect === false ? undefined : reconnect;
    let failures = 0;
    for (;;) {
      let failure: SchedulerError;
      try {
        for await (const event of this.#stream(signal)) {
          if (event.type === scheduler.Event_Type.SUBSCRIBED) failures = 0;
          yield event;
          if (event.type === scheduler.Event_Type.ERROR) return;
        }
        if (signal.aborted) return;
        failure = new SchedulerError('DISCONNECTED', 'The master closed the event stream');
      } catch (error) {
        if (signal.aborted) return;
        failure = error instanceof SchedulerError ? error : new SchedulerError('DISCONNECTED', `Connection to ${this.#base.origin} failed: ${String(error)}`, { cause: error });
      }
      failures += 1;
      if (policy === undefined || !failure.retryable || failures > (policy.maxAttempts ?? Infinity)) throw failure;
      const ceiling = Math.min(policy.maxDelayMs ?? 30_000, (policy.initialDelayMs ?? 500) * 2 ** (failures - 1));
      await sleep(Math.random() * ceiling, signal);
      if (signal.aborted) return;
      // A 307 may have sent us to a master that has since failed; start over from the configured one.
      this.#base = new URL(this.#options.master);
    }
  }

  /** One connection: SUBSCRIBE, then events until the stream ends, fails or misses heartbeats. */
  async *#stream(signal: AbortSignal): AsyncGenerator<scheduler.Event, void, undefined> {
    const frameworkInfo: FrameworkInfo = this.#frameworkId === undefined ? this.#options.frameworkInfo : { ...this.#options.frameworkInfo, id: this.#frameworkId };
    const call: scheduler.Call = { type: scheduler.Call_Type.SUBSCRIBE, subscribe: { frameworkInfo } };
    if (this.#frameworkId !== undefined) call.frameworkId = this.#frameworkId;

    const connection = new AbortController();
    const onAbort = (): void => connection.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    let watchdog: NodeJS.Timeout | undefined;
    const arm = (): void => {
      if (watchdog !== undefined) clearTimeout(watchdog);
      const interval = this.#heartbeatIntervalSeconds;
      if (interval === undefined || interval <= 0) return;
      watchdog = setTimeout(() => {
        timedOut = true;
        connection.abort();
      }, interval * (this.#options.heartbeatGrace ?? 5) * 1000);
      watchdog.unref?.();
    };
    const heartbeatError = (): SchedulerError =>
      new SchedulerError('HEARTBEAT_TIMEOUT', `No event from ${this.#base.origin} for ${this.#options.heartbeatGrace ?? 5} heartbeat intervals of ${this.#heartbeatIntervalSeconds} s`);

    try {
      const { statusCode, headers, body } = await this.#post(call, connection.signal, true);
      if (statusCode !== 200) throw await statusError(statusCode, body, 'SUBSCRIBE');
      const streamId = headerValue(headers[STREAM_ID]);
      if (streamId === undefined) {
        await body.dump().catch(() => undefined);
        throw new SchedulerError('PROTOCOL', 'SUBSCRIBE answered 200 without a Mesos-Stream-Id header');
      }
      this.#heartbeatIntervalSeconds = undefined;
      let first = true;
      try {
        for await (const record of decodeRecords(body)) {
          const event = this.#decodeEvent(record);
          if (first) {
            first = false;
            if (event.type !== scheduler.Event_Type.SUBSCRIBED) throw new SchedulerError('PROTOCOL', `The first event was ${scheduler.Event_Type[event.type ?? 0]}, not SUBSCRIBED`);
            this.#streamId = streamId;
            if (event.subscribed?.frameworkId !== undefined) this.#frameworkId = event.subscribed.frameworkId;
            this.#heartbeatIntervalSeconds = event.subscribed?.heartbeatIntervalSeconds;
          }
          // Any event proves the connection alive, not only HEARTBEAT.
          arm();
          yield event;
        }
      } catch (error) {
        if (timedOut) throw heartbeatError();
        if (error instanceof SchedulerError) throw error;
        throw new SchedulerError(isBadFraming(error) ? 'PROTOCOL' : 'DISCONNECTED', `The event stream from ${this.#base.origin} failed: ${String(error)}`, { cause: error });
      }
      if (timedOut) throw heartbeatError();
    } finally {
      if (watchdog !== undefined) clearTimeout(watchdog);
      signal.removeEventListener('abort', onAbort);
      connection.abort();
    }
  }

  #decodeEvent(record: Uint8Array): scheduler.Event {
    const decoded = this.#options.contentType === 'protobuf' ? decodeProtobuf('mesos.v1.scheduler.Event', record) : parseMesosJson('mesos.v1.scheduler.Event', record);
    if (!decoded.ok) throw new SchedulerError('PROTOCOL', `Undecodable event: ${decoded.error.message}`, { cause: decoded.error });
    return decoded.value;
  }

  /** POSTs `call` to the leader, following 307s (and remembering where they pointed). */
  async #post(call: scheduler.Call, signal: AbortSignal | undefined, subscribe: boolean): Promise<Dispatcher.ResponseData> {
    const body = this.#options.contentType === 'protobuf' ? encodeProtobuf('mesos.v1.scheduler.Call', call) : encodeMesosJson('mesos.v1.scheduler.Call', call);
    const headers: Record<string, string> = { ...this.#options.headers, 'content-type': this.#mediaType, accept: this.#mediaType };
    if (!subscribe && this.#streamId !== undefined) headers[STREAM_ID] = this.#streamId;
    const maxRedirects = this.#options.maxRedirects ?? 5;
    for (let redirects = 0; ; redirects++) {
      const url = new URL(SCHEDULER_PATH, this.#base);
      const response = await request(url, {
        method: 'POST',
        headers,
        body,
        ...(signal === undefined ? {} : { signal }),
        ...(this.#options.dispatcher === undefined ? {} : { dispatcher: this.#options.dispatcher }),
        // The heartbeat watchdog owns liveness of event streams; undici's 300 s body timeout would cut a quiet one.
        ...(subscribe ? { bodyTimeout: 0 } : {}),
      });
      if (response.statusCode !== 307) return response;
      await response.body.dump().catch(() => undefined);
      const location = headerValue(response.headers.location);
      if (location === undefined) throw new SchedulerError('TOO_MANY_REDIRECTS', `307 from ${url.origin} without a Location header`, { status: 307 });
      if (redirects >= maxRedirects) throw new SchedulerError('TOO_MANY_REDIRECTS', `More than ${maxRedirects} redirects, last to ${location}`, { status: 307 });
      // Mesos writes `//host:port/api/v1/scheduler` (scheme-relative); resolve against the current URL.
      this.#base = new URL(location, url);
    }
  }

  /**
   * Sends any call but SUBSCRIBE, with the stream's `Mesos-Stream-Id` and the framework ID filled in. Resolves on
   * 202 (or with the decoded `Response` on 200, which only `RECONCILE_OPERATIONS` answers).
   * @throws SchedulerError `NOT_SUBSCRIBED` before SUBSCRIBED; `HTTP_STATUS` with the master's status and body.
   */
  async call(call: scheduler.Call): Promise<scheduler.Response | undefined> {
    if (call.type === scheduler.Call_Type.SUBSCRIBE) throw new TypeError('call: use subscribe() for SUBSCRIBE');
    if (this.#streamId === undefined) throw new SchedulerError('NOT_SUBSCRIBED', `Cannot send ${scheduler.Call_Type[call.type ?? 0]} before SUBSCRIBED`);
    let response: Dispatcher.ResponseData;
    try {
      response = await this.#post(withFrameworkId(call, this.#frameworkId), undefined, false);
    } catch (error) {
      if (error instanceof SchedulerError) throw error;
      throw new SchedulerError('DISCONNECTED', `Connection to ${this.#base.origin} failed: ${String(error)}`, { cause: error });
    }
    const { statusCode, body } = response;
    if (statusCode === 202) {
      await body.dump().catch(() => undefined);
      return undefined;
    }
    if (statusCode !== 200) throw await statusError(statusCode, body, scheduler.Call_Type[call.type ?? 0] ?? 'call');
    const bytes = new Uint8Array(await body.arrayBuffer());
    if (bytes.length === 0) return undefined;
    const decoded = this.#options.contentType === 'protobuf' ? decodeProtobuf('mesos.v1.scheduler.Response', bytes) : parseMesosJson('mesos.v1.scheduler.Response', bytes);
    if (!decoded.ok) throw new SchedulerError('PROTOCOL', `Undecodable response: ${decoded.error.message}`, { cause: decoded.error });
    return decoded.value;
  }

  /** `ACCEPT` `offerIds` with `operations`. */
  async accept(offerIds: readonly OfferIdLike[], operations: readonly Offer_Operation[], filters?: Filters): Promise<void> {
    await this.call(acceptCall(offerIds, operations, filters));
  }

  /** `DECLINE` `offerIds`. */
  async decline(offerIds: readonly OfferIdLike[], filters?: Filters): Promise<void> {
    await this.call(declineCall(offerIds, filters));
  }

  /** `ACCEPT` of `offer` with one `LAUNCH` of `tasks` (tasks get the offer's agent ID when they have none). */
  async launch(offer: Offer, tasks: readonly TaskInfo[], filters?: Filters): Promise<void> {
    await this.call(launchCall(offer, tasks, filters));
  }

  /** `ACKNOWLEDGE` a status update; does nothing (resolves false) when it has no `uuid` and needs no acknowledgement. */
  async acknowledge(status: TaskStatus): Promise<boolean> {
    const call = acknowledgeCall(status);
    if (call === undefined) return false;
    await this.call(call);
    return true;
  }

  /** `KILL` a task. */
  async kill(taskId: string | TaskID, agentId?: string | AgentID, killPolicy?: KillPolicy): Promise<void> {
    await this.call(killCall(taskId, agentId, killPolicy));
  }

  /** `REVIVE` offers (for `roles`, or all). */
  async revive(roles?: readonly string[]): Promise<void> {
    await this.call(reviveCall(roles));
  }

  /** `SUPPRESS` offers (for `roles`, or all). */
  async suppress(roles?: readonly string[]): Promise<void> {
    await this.call(suppressCall(roles));
  }

  /** `RECONCILE` `tasks`, or all tasks (implicit) when none are given. */
  async reconcile(tasks?: readonly ReconcileTask[]): Promise<void> {
    await this.call(reconcileCall(tasks));
  }

  /** `ACCEPT_INVERSE_OFFERS`. */
  async acceptInverseOffers(ids: readonly OfferIdLike[], filters?: Filters): Promise<void> {
    await this.call(acceptInverseOffersCall(ids, filters));
  }

  /** `DECLINE_INVERSE_OFFERS`. */
  async declineInverseOffers(ids: readonly OfferIdLike[], filters?: Filters): Promise<void> {
    await this.call(declineInverseOffersCall(ids, filters));
  }

  /** `SHUTDOWN` one executor on one agent. */
  async shutdown(executorId: string | ExecutorID, agentId: string | AgentID): Promise<void> {
    await this.call(shutdownCall(executorId, agentId));
  }

  /** `MESSAGE` to an executor. */
  async message(executorId: string | ExecutorID, agentId: string | AgentID, data: Uint8Array): Promise<void> {
    await this.call(messageCall(executorId, agentId, data));
  }

  /** `UPDATE_FRAMEWORK`: `frameworkInfo.id` is filled in with the subscribed framework's when absent. */
  async updateFramework(frameworkInfo: FrameworkInfo, options?: UpdateFrameworkOptions): Promise<void> {
    const info = frameworkInfo.id === undefined && this.#frameworkId !== undefined ? { ...frameworkInfo, id: this.#frameworkId } : frameworkInfo;
    await this.call(updateFrameworkCall(info, options));
  }

  /** `ACKNOWLEDGE_OPERATION_STATUS`; resolves false when the status carries no uuid (nothing to acknowledge). */
  async acknowledgeOperationStatus(status: OperationStatus): Promise<boolean> {
    const call = acknowledgeOperationStatusCall(status);
    if (call === undefined) return false;
    await this.call(call);
    return true;
  }

  /** `TEARDOWN` the framework. */
  async teardown(): Promise<void> {
    await this.call(teardownCall());
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Bad framing is the master's fault; a record cut short is a connection that broke mid-event. */
function isBadFraming(error: unknown): boolean {
  return isRecordIOError(error) && error.recordioCode !== 'TRUNCATED';
}

async function statusError(status: number, body: Dispatcher.ResponseData['body'], what: string): Promise<SchedulerError> {
  const text = await body.text().catch(() => '');
  return new SchedulerError('HTTP_STATUS', `${what} failed: ${status}${text === '' ? '' : ` ${text}`}`, { status, body: text });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
