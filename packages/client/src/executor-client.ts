/**
 * A client of Apache Mesos's v1 executor HTTP API (`POST /api/v1/executor` on the agent), on undici: what an
 * executor needs to subscribe, send reliable status updates and survive agent restarts (docs/executor-http-api.md).
 */
import { randomUUID } from 'node:crypto';
import { MesosTsError, err, ok, type ErrorCode, type Result } from '@mesos-ts/errors';
import { parseDuration } from '@mesos-ts/flags';
import {
  TaskStatus_Source,
  decodeProtobuf,
  encodeMesosJson,
  encodeProtobuf,
  executor,
  parseMesosJson,
  type AgentInfo,
  type ContainerID,
  type ExecutorID,
  type ExecutorInfo,
  type FrameworkID,
  type FrameworkInfo,
  type TaskInfo,
  type TaskStatus,
} from '@mesos-ts/proto';
import { decodeRecords, isRecordIOError } from '@mesos-ts/recordio';
import { request, type Dispatcher } from 'undici';

/**
 * Why an executor client operation failed (closed set):
 * - `HTTP_STATUS`: the agent answered a status other than 200 (SUBSCRIBE) or 202 (calls); see `status`, `body`.
 * - `DISCONNECTED`: the event stream ended, or the connection failed (refused, reset).
 * - `RECOVERY_TIMEOUT`: with checkpointing, no resubscription succeeded within the recovery timeout.
 * - `PROTOCOL`: the agent sent something this client cannot read (bad RecordIO, undecodable event, first event
 *   not SUBSCRIBED).
 * - `NOT_SUBSCRIBED`: a best-effort call (MESSAGE) while not subscribed.
 * - `INVALID_ARGUMENT`: bad options, environment or call arguments (the message names the field).
 * - `CLOSED`: the client was closed.
 */
export type ExecutorErrorKind = 'HTTP_STATUS' | 'DISCONNECTED' | 'RECOVERY_TIMEOUT' | 'PROTOCOL' | 'NOT_SUBSCRIBED' | 'INVALID_ARGUMENT' | 'CLOSED';

function codeOf(kind: ExecutorErrorKind, status: number | undefined): ErrorCode {
  if (kind === 'HTTP_STATUS' && status !== undefined) {
    if (status === 401) return 'UNAUTHENTICATED';
    if (status === 403) return 'FORBIDDEN';
    if (status === 404) return 'NOT_FOUND';
    return status >= 500 ? 'UNAVAILABLE' : 'INVALID_ARGUMENT';
  }
  if (kind === 'PROTOCOL') return 'INTERNAL';
  if (kind === 'INVALID_ARGUMENT') return 'INVALID_ARGUMENT';
  if (kind === 'NOT_SUBSCRIBED') return 'FORBIDDEN';
  return 'UNAVAILABLE';
}

/** The error the executor client throws: a `MesosTsError` with the client's own `kind` (and, for `HTTP_STATUS`, the agent's answer). */
export class ExecutorError extends MesosTsError {
  readonly kind: ExecutorErrorKind;
  /** The agent's HTTP status (`HTTP_STATUS` only). */
  readonly status: number | undefined;
  /** The agent's response body, as text (`HTTP_STATUS` only). */
  readonly body: string | undefined;

  constructor(kind: ExecutorErrorKind, message: string, options: { status?: number; body?: string; cause?: unknown } = {}) {
    super(codeOf(kind, options.status), message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.status = options.status;
    this.body = options.body;
  }

  /** Whether resubscribing may help: lost connections and 5xx (e.g. an agent still recovering). */
  get retryable(): boolean {
    if (this.kind === 'HTTP_STATUS') return this.status !== undefined && this.status >= 500;
    return this.kind === 'DISCONNECTED';
  }
}

/** Type guard for {@link ExecutorError}. */
export function isExecutorError(value: unknown): value is ExecutorError {
  return value instanceof ExecutorError;
}

/** Where the client reports what it does about failures; pino loggers fit. Default: silent. */
export interface ExecutorClientLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** Options of {@link ExecutorClient}; {@link executorClientOptionsFromEnv} reads them as the agent sets them. */
export interface ExecutorClientOptions {
  /** The agent, as `MESOS_AGENT_ENDPOINT` gives it (`ip:port`), or a URL (`http://host:port`). */
  readonly agentEndpoint: string;
  readonly frameworkId: string | FrameworkID;
  readonly executorId: string | ExecutorID;
  /** Encoding of calls and events. Default `'json'` (Mesos's own executors use protobuf). */
  readonly contentType?: 'json' | 'protobuf';
  /**
   * Whether the framework checkpoints (`MESOS_CHECKPOINT=1`): only then does a lost connection lead to
   * resubscription attempts (the agent may be restarting); without it, the iteration ends with the error.
   */
  readonly checkpoint?: boolean;
  /** How long to keep trying to resubscribe after a disconnection (`MESOS_RECOVERY_TIMEOUT`). Default 15 min. */
  readonly recoveryTimeoutMs?: number;
  /** The largest wait between two resubscription attempts (`MESOS_SUBSCRIPTION_BACKOFF_MAX`). Default 2 s. */
  readonly subscriptionBackoffMaxMs?: number;
  /** Sent as `Authorization: Bearer <token>` (`MESOS_EXECUTOR_AUTHENTICATION_TOKEN`). */
  readonly authenticationToken?: string;
  /** The undici dispatcher. Default: undici's global dispatcher. */
  readonly dispatcher?: Dispatcher;
  /** Extra request headers on every request. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly logger?: ExecutorClientLogger;
}

/** An open subscription: the events, and a way to stop them. */
export interface ExecutorSubscription extends AsyncIterable<executor.Event> {
  /** Ends the iteration and closes the connection. */
  close(): void;
}

const EXECUTOR_PATH = '/api/v1/executor';
const DEFAULT_RECOVERY_TIMEOUT_MS = 15 * 60_000;
const DEFAULT_BACKOFF_MAX_MS = 2000;
/** The first backoff ceiling; it doubles per failed attempt up to the maximum. */
const INITIAL_BACKOFF_MS = 100;

type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, name: string): Result<string> {
  const value = env[name];
  if (value === undefined || value === '') return err(new MesosTsError('INVALID_ARGUMENT', `Expecting '${name}' to be set in the environment`));
  return ok(value);
}

function durationVariable(env: Env, name: string): Result<number | undefined> {
  const value = env[name];
  if (value === undefined || value === '') return ok(undefined);
  const parsed = parseDuration(value);
  if (!parsed.ok) return err(new MesosTsError('INVALID_ARGUMENT', `Failed to parse value '${value}' of '${name}': ${parsed.error.message}`));
  return ok(parsed.value);
}

/**
 * The client options from the variables the agent sets for an executor: `MESOS_FRAMEWORK_ID`,
 * `MESOS_EXECUTOR_ID`, `MESOS_AGENT_ENDPOINT` (required), `MESOS_CHECKPOINT` (`1`/`0`), `MESOS_RECOVERY_TIMEOUT`,
 * `MESOS_SUBSCRIPTION_BACKOFF_MAX` (Mesos durations, e.g. `15mins`) and `MESOS_EXECUTOR_AUTHENTICATION_TOKEN`.
 * A missing or malformed variable is an `INVALID_ARGUMENT` error naming it.
 */
export function executorClientOptionsFromEnv(env: Env = process.env): Result<ExecutorClientOptions> {
  // Checked in the order Mesos's executors check them.
  const frameworkId = required(env, 'MESOS_FRAMEWORK_ID');
  if (!frameworkId.ok) return frameworkId;
  const executorId = required(env, 'MESOS_EXECUTOR_ID');
  if (!executorId.ok) return executorId;
  const agentEndpoint = required(env, 'MESOS_AGENT_ENDPOINT');
  if (!agentEndpoint.ok) return agentEndpoint;
  if (!agentUrl(agentEndpoint.value).ok) {
    return err(new MesosTsError('INVALID_ARGUMENT', `Failed to parse value '${agentEndpoint.value}' of 'MESOS_AGENT_ENDPOINT': expected 'ip:port' or a URL`));
  }

  const checkpointText = env['MESOS_CHECKPOINT'];
  let checkpoint = false;
  if (checkpointText === '1' || checkpointText === 'true') checkpoint = true;
  else if (checkpointText !== undefined && checkpointText !== '' && checkpointText !== '0' && checkpointText !== 'false') {
    return err(new MesosTsError('INVALID_ARGUMENT', `Failed to parse value '${checkpointText}' of 'MESOS_CHECKPOINT': expected 1 or 0`));
  }
  const recoveryTimeoutMs = durationVariable(env, 'MESOS_RECOVERY_TIMEOUT');
  if (!recoveryTimeoutMs.ok) return recoveryTimeoutMs;
  const backoffMaxMs = durationVariable(env, 'MESOS_SUBSCRIPTION_BACKOFF_MAX');
  if (!backoffMaxMs.ok) return backoffMaxMs;
  const token = env['MESOS_EXECUTOR_AUTHENTICATION_TOKEN'];

  return ok({
    agentEndpoint: agentEndpoint.value,
    frameworkId: frameworkId.value,
    executorId: executorId.value,
    checkpoint,
    ...(recoveryTimeoutMs.value === undefined ? {} : { recoveryTimeoutMs: recoveryTimeoutMs.value }),
    ...(backoffMaxMs.value === undefined ? {} : { subscriptionBackoffMaxMs: backoffMaxMs.value }),
    ...(token === undefined || token === '' ? {} : { authenticationToken: token }),
  });
}

/** `ip:port` (as `MESOS_AGENT_ENDPOINT` has it) or a URL, to the agent's base URL. */
function agentUrl(endpoint: string): Result<URL> {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `http://${endpoint}`;
  try {
    const url = new URL(text);
    if (url.hostname === '' || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new TypeError('not an http(s) URL');
    return ok(url);
  } catch (error) {
    return err(new MesosTsError('INVALID_ARGUMENT', `Invalid agent endpoint '${endpoint}'`, { cause: error }));
  }
}

function uuidKey(uuid: Uint8Array | undefined): string {
  return uuid === undefined ? '' : Buffer.from(uuid).toString('hex');
}

/** A random (version 4) UUID as its 16 bytes, as Mesos's `id::UUID::random().toBytes()`. */
export function randomUuidBytes(): Buffer {
  return Buffer.from(randomUUID().replace(/-/g, ''), 'hex');
}

/**
 * A client of the v1 executor HTTP API.
 *
 * It keeps what the protocol asks an executor to keep: every status update until the agent acknowledges it, and
 * every launched task until one of its updates is acknowledged, and sends both in the `SUBSCRIBE` of a
 * resubscription. Calls are sent one at a time, in order, so a task's updates reach the agent in the order they
 * were made.
 *
 * Preconditions: one subscription at a time (a new `subscribe()` closes the previous one).
 */
export class ExecutorClient {
  readonly #options: ExecutorClientOptions;
  readonly #mediaType: string;
  readonly #base: URL;
  readonly #frameworkId: FrameworkID;
  readonly #executorId: ExecutorID;
  readonly #pendingUpdates = new Map<string, executor.Call_Update>();
  readonly #pendingTasks = new Map<string, TaskInfo>();
  #drainWaiters: (() => void)[] = [];
  #queue: Promise<unknown> = Promise.resolve();
  #current: { close(): void } | undefined;
  #subscribed = false;
  #closed = false;
  #subscribedEvent: executor.Event_Subscribed | undefined;

  /** @throws ExecutorError `INVALID_ARGUMENT` for an endpoint that is neither `ip:port` nor an http(s) URL. */
  constructor(options: ExecutorClientOptions) {
    const base = agentUrl(options.agentEndpoint);
    if (!base.ok) throw new ExecutorError('INVALID_ARGUMENT', base.error.message, { cause: base.error });
    this.#options = options;
    this.#base = base.value;
    this.#mediaType = options.contentType === 'protobuf' ? 'application/x-protobuf' : 'application/json';
    this.#frameworkId = typeof options.frameworkId === 'string' ? { value: options.frameworkId } : options.frameworkId;
    this.#executorId = typeof options.executorId === 'string' ? { value: options.executorId } : options.executorId;
  }

  /**
   * A client configured from the executor's environment (see {@link executorClientOptionsFromEnv}), with
   * `overrides` on top.
   * @throws ExecutorError `INVALID_ARGUMENT` naming the missing or malformed variable.
   */
  static fromEnv(env: Env = process.env, overrides: Partial<ExecutorClientOptions> = {}): ExecutorClient {
    const options = executorClientOptionsFromEnv(env);
    if (!options.ok) throw new ExecutorError('INVALID_ARGUMENT', options.error.message);
    return new ExecutorClient({ ...options.value, ...overrides });
  }

  get frameworkId(): FrameworkID {
    return this.#frameworkId;
  }

  get executorId(): ExecutorID {
    return this.#executorId;
  }

  /** Whether the current connection got its SUBSCRIBED (and has not been lost since). */
  get subscribed(): boolean {
    return this.#subscribed;
  }

  /** From the last SUBSCRIBED: the framework (with its capabilities), the agent, the executor and its container. */
  get frameworkInfo(): FrameworkInfo | undefined {
    return this.#subscribedEvent?.frameworkInfo;
  }

  get agentInfo(): AgentInfo | undefined {
    return this.#subscribedEvent?.agentInfo;
  }

  get executorInfo(): ExecutorInfo | undefined {
    return this.#subscribedEvent?.executorInfo;
  }

  get containerId(): ContainerID | undefined {
    return this.#subscribedEvent?.containerId;
  }

  /** Updates sent (or queued) and not yet acknowledged, oldest first. */
  get unacknowledgedUpdates(): readonly executor.Call_Update[] {
    return [...this.#pendingUpdates.values()];
  }

  /** Tasks launched (LAUNCH / LAUNCH_GROUP) none of whose updates has been acknowledged yet. */
  get unacknowledgedTasks(): readonly TaskInfo[] {
    return [...this.#pendingTasks.values()];
  }

  /**
   * Subscribes and yields the events, SUBSCRIBED first, HEARTBEATs included. ACKNOWLEDGED events are applied to
   * the client's bookkeeping before they are yielded. When the connection is lost: with `checkpoint`, the client
   * resubscribes (with the unacknowledged tasks and updates) with backoff bounded by `subscriptionBackoffMaxMs`
   * and goes on with the new SUBSCRIBED, for up to `recoveryTimeoutMs`, then throws `RECOVERY_TIMEOUT`; without
   * it, the iteration throws the `ExecutorError` (`DISCONNECTED`, `HTTP_STATUS`, ...), and an executor should
   * then shut down, as the agent will not come back for it. Breaking out of the loop closes the connection.
   */
  subscribe(): ExecutorSubscription {
    if (this.#closed) throw new ExecutorError('CLOSED', 'The client is closed');
    this.#current?.close();
    const controller = new AbortController();
    const subscription: ExecutorSubscription = {
      close: () => controller.abort(),
      [Symbol.asyncIterator]: () => this.#events(controller.signal),
    };
    this.#current = subscription;
    return subscription;
  }

  /** Closes the subscription; later calls fail with `CLOSED`. Pending waits for acknowledgements resolve. */
  close(): void {
    this.#closed = true;
    this.#subscribed = false;
    this.#current?.close();
    this.#current = undefined;
    this.#notifyDrained(true);
  }

  /**
   * Sends a status update reliably. The update gets, unless it has them: a fresh `uuid` (16 random bytes),
   * the executor's `executor_id`, `source = SOURCE_EXECUTOR` and a `timestamp`. It is kept until the agent
   * acknowledges it. While not subscribed it is only kept (the next SUBSCRIBE carries it); a failed connection
   * keeps it too. Resolves with the update as sent.
   * @throws ExecutorError `INVALID_ARGUMENT` without `task_id` or `state`; `HTTP_STATUS` when the agent refuses
   *   it (a 4xx answer also drops it: the agent would refuse it again).
   */
  async update(status: TaskStatus): Promise<TaskStatus> {
    if (this.#closed) throw new ExecutorError('CLOSED', 'The client is closed');
    if (status.taskId?.value === undefined || status.taskId.value === '') throw new ExecutorError('INVALID_ARGUMENT', "update: 'status.task_id' must be set");
    if (status.state === undefined) throw new ExecutorError('INVALID_ARGUMENT', "update: 'status.state' must be set");
    const full: TaskStatus = {
      ...status,
      uuid: status.uuid !== undefined && status.uuid.length > 0 ? status.uuid : randomUuidBytes(),
      executorId: status.executorId ?? this.#executorId,
      source: status.source ?? TaskStatus_Source.SOURCE_EXECUTOR,
      timestamp: status.timestamp ?? Date.now() / 1000,
    };
    const key = uuidKey(full.uuid);
    this.#pendingUpdates.set(key, { status: full });
    if (!this.#subscribed) return full;
    try {
      await this.#send({ type: executor.Call_Type.UPDATE, update: { status: full } });
    } catch (error) {
      if (isExecutorError(error) && error.kind === 'HTTP_STATUS') {
        if (error.status !== undefined && error.status < 500) {
          this.#pendingUpdates.delete(key);
          this.#notifyDrained(false);
        }
        throw error;
      }
      this.#options.logger?.warn(`Keeping status update ${key} for the next SUBSCRIBE: ${String(error)}`);
    }
    return full;
  }

  /**
   * Sends opaque bytes to the scheduler (best effort, as in Mesos: not kept or resent).
   * @throws ExecutorError `NOT_SUBSCRIBED` while not subscribed; `HTTP_STATUS`; `DISCONNECTED`.
   */
  async message(data: Uint8Array): Promise<void> {
    if (this.#closed) throw new ExecutorError('CLOSED', 'The client is closed');
    if (!this.#subscribed) throw new ExecutorError('NOT_SUBSCRIBED', 'Cannot send MESSAGE while not subscribed to the agent');
    await this.#send({ type: executor.Call_Type.MESSAGE, message: { data: Buffer.from(data) } });
  }

  /**
   * Resolves `true` once no update is waiting for an acknowledgement (at once if none is), or `false` after
   * `timeoutMs` (default: no limit) or when the client is closed with updates still pending.
   */
  waitForAcknowledgements(timeoutMs?: number): Promise<boolean> {
    if (this.#pendingUpdates.size === 0) return Promise.resolve(true);
    if (this.#closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        resolve(this.#pendingUpdates.size === 0);
      };
      this.#drainWaiters.push(waiter);
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.#drainWaiters = this.#drainWaiters.filter((w) => w !== waiter);
          resolve(false);
        }, timeoutMs);
      }
    });
  }

  #notifyDrained(force: boolean): void {
    if (!force && this.#pendingUpdates.size > 0) return;
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const waiter of waiters) waiter();
  }

  /** Bookkeeping before an event is yielded. */
  #track(event: executor.Event): void {
    switch (event.type) {
      case executor.Event_Type.SUBSCRIBED:
        this.#subscribed = true;
        this.#subscribedEvent = event.subscribed ?? {};
        break;
      case executor.Event_Type.LAUNCH:
        if (event.launch?.task?.taskId?.value !== undefined) this.#pendingTasks.set(event.launch.task.taskId.value, event.launch.task);
        break;
      case executor.Event_Type.LAUNCH_GROUP:
        for (const task of event.launchGroup?.taskGroup?.tasks ?? []) {
          if (task.taskId?.value !== undefined) this.#pendingTasks.set(task.taskId.value, task);
        }
        break;
      case executor.Event_Type.ACKNOWLEDGED: {
        const key = uuidKey(event.acknowledged?.uuid);
        const known = this.#pendingUpdates.delete(key);
        if (!known) this.#options.logger?.warn(`Received acknowledgement ${key} for unknown status update`);
        // A task counts as acknowledged once any of its updates is.
        const taskId = event.acknowledged?.taskId?.value;
        if (taskId !== undefined) this.#pendingTasks.delete(taskId);
        this.#notifyDrained(false);
        break;
      }
      default:
        break;
    }
  }

  async *#events(signal: AbortSignal): AsyncGenerator<executor.Event, void, undefined> {
    const recoveryTimeoutMs = this.#options.recoveryTimeoutMs ?? DEFAULT_RECOVERY_TIMEOUT_MS;
    const backoffMaxMs = this.#options.subscriptionBackoffMaxMs ?? DEFAULT_BACKOFF_MAX_MS;
    let disconnectedAt: number | undefined;
    let attempts = 0;
    for (;;) {
      let failure: ExecutorError;
      try {
        for await (const event of this.#stream(signal)) {
          if (event.type === executor.Event_Type.SUBSCRIBED) {
            disconnectedAt = undefined;
            attempts = 0;
          }
          this.#track(event);
          yield event;
        }
        if (signal.aborted) return;
        failure = new ExecutorError('DISCONNECTED', `The agent at ${this.#base.host} closed the event stream`);
      } catch (error) {
        if (signal.aborted) return;
        failure = isExecutorError(error) ? error : new ExecutorError('DISCONNECTED', `Connection to the agent at ${this.#base.host} failed: ${String(error)}`, { cause: error });
      } finally {
        this.#subscribed = false;
      }
      if (this.#options.checkpoint !== true || !failure.retryable) throw failure;
      const now = Date.now();
      disconnectedAt ??= now;
      const left = recoveryTimeoutMs - (now - disconnectedAt);
      if (left <= 0) {
        throw new ExecutorError('RECOVERY_TIMEOUT', `Could not resubscribe with the agent at ${this.#base.host} within the recovery timeout of ${recoveryTimeoutMs} ms: ${failure.message}`, { cause: failure });
      }
      attempts += 1;
      const ceiling = Math.min(backoffMaxMs, INITIAL_BACKOFF_MS * 2 ** Math.min(attempts - 1, 30));
      const delay = Math.min(left, Math.random() * ceiling);
      this.#options.logger?.info(`Disconnected from the agent (${failure.message}); resubscribing in ${Math.round(delay)} ms`);
      await sleep(delay, signal);
      if (signal.aborted) return;
    }
  }

  /** One connection: SUBSCRIBE (with what is unacknowledged), then events until the stream ends or fails. */
  async *#stream(signal: AbortSignal): AsyncGenerator<executor.Event, void, undefined> {
    const subscribe: executor.Call_Subscribe = {};
    if (this.#pendingTasks.size > 0) subscribe.unacknowledgedTasks = [...this.#pendingTasks.values()];
    if (this.#pendingUpdates.size > 0) subscribe.unacknowledgedUpdates = [...this.#pendingUpdates.values()];
    const call: executor.Call = { type: executor.Call_Type.SUBSCRIBE, subscribe };

    const connection = new AbortController();
    const onAbort = (): void => connection.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const { statusCode, body } = await this.#post(call, connection.signal);
      if (statusCode !== 200) throw await statusError(statusCode, body, 'SUBSCRIBE');
      let first = true;
      try {
        for await (const record of decodeRecords(body)) {
          const event = this.#decodeEvent(record);
          if (first) {
            first = false;
            if (event.type !== executor.Event_Type.SUBSCRIBED) throw new ExecutorError('PROTOCOL', `The first event was ${executor.Event_Type[event.type ?? 0] ?? String(event.type)}, not SUBSCRIBED`);
          }
          yield event;
        }
      } catch (error) {
        if (isExecutorError(error)) throw error;
        const framing = isRecordIOError(error) && error.recordioCode !== 'TRUNCATED';
        throw new ExecutorError(framing ? 'PROTOCOL' : 'DISCONNECTED', `The event stream from the agent at ${this.#base.host} failed: ${String(error)}`, { cause: error });
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      connection.abort();
    }
  }

  #decodeEvent(record: Uint8Array): executor.Event {
    const decoded = this.#options.contentType === 'protobuf' ? decodeProtobuf('mesos.v1.executor.Event', record) : parseMesosJson('mesos.v1.executor.Event', record);
    if (!decoded.ok) throw new ExecutorError('PROTOCOL', `Undecodable event: ${decoded.error.message}`, { cause: decoded.error });
    return decoded.value;
  }

  async #post(call: executor.Call, signal: AbortSignal | undefined): Promise<Dispatcher.ResponseData> {
    const full: executor.Call = { ...call, frameworkId: this.#frameworkId, executorId: this.#executorId };
    const body = this.#options.contentType === 'protobuf' ? encodeProtobuf('mesos.v1.executor.Call', full) : encodeMesosJson('mesos.v1.executor.Call', full);
    const headers: Record<string, string> = { ...this.#options.headers, 'content-type': this.#mediaType, accept: this.#mediaType };
    if (this.#options.authenticationToken !== undefined) headers['authorization'] = `Bearer ${this.#options.authenticationToken}`;
    const subscribe = call.type === executor.Call_Type.SUBSCRIBE;
    return request(new URL(EXECUTOR_PATH, this.#base), {
      method: 'POST',
      headers,
      body,
      ...(signal === undefined ? {} : { signal }),
      ...(this.#options.dispatcher === undefined ? {} : { dispatcher: this.#options.dispatcher }),
      // undici's 300 s body timeout would cut a quiet event stream; the connection's end tells us it is gone.
      ...(subscribe ? { bodyTimeout: 0 } : {}),
    });
  }

  /** Sends a non-SUBSCRIBE call after the ones before it have been answered. */
  #send(call: executor.Call): Promise<void> {
    const run = this.#queue.then(async () => {
      let response: Dispatcher.ResponseData;
      try {
        response = await this.#post(call, undefined);
      } catch (error) {
        throw new ExecutorError('DISCONNECTED', `Connection to the agent at ${this.#base.host} failed: ${String(error)}`, { cause: error });
      }
      if (response.statusCode !== 202) throw await statusError(response.statusCode, response.body, executor.Call_Type[call.type ?? 0] ?? 'call');
      await response.body.dump().catch(() => undefined);
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

async function statusError(status: number, body: Dispatcher.ResponseData['body'], what: string): Promise<ExecutorError> {
  const text = await body.text().catch(() => '');
  return new ExecutorError('HTTP_STATUS', `${what} failed: ${status}${text === '' ? '' : ` ${text}`}`, { status, body: text });
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
