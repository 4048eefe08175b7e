/**
 * The agent's side of the master-agent protocol (docs/master-agent-protocol.md), on its own so that other
 * programs (an agent simulator, tests) can speak it too. It knows nothing about executors or tasks:
 *
 * - opens the session: `REGISTER` (no agent ID yet) or `REREGISTER` (an ID from the {@link AgentIdStore},
 *   with the report the owner gives), reads the RecordIO stream of `AgentEvent`s (protobuf), persists the ID
 *   from `REGISTERED`;
 * - answers each `PING` with a `PONG`; with no ping for `ping_timeout × max_ping_timeouts` (both from
 *   `REGISTERED`) the session is considered lost;
 * - when the session ends (the stream closes or fails, or the master refuses a call with 403) it re-registers,
 *   after a random delay in `[0, b]`, `b` = the backoff factor doubling per failed attempt up to 1 min (Mesos's
 *   `--registration_backoff_factor` and `REGISTER_RETRY_INTERVAL_MAX`);
 * - sends the other calls with the session's `Mesos-Stream-Id` header and agent ID, one at a time and in
 *   order; `STATUS_UPDATE`s issued in the same tick travel as one call.
 *
 * `SHUTDOWN` from the master ends the link for good (no re-registration).
 */
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import { decodeProtobuf, encodeProtobuf, internal, type AgentID, type AgentInfo, type AgentInfo_Capability, type DrainConfig, type ExecutorInfo, type FrameworkInfo, type Resource, type Task } from '@mesos-ts/proto';
import { decodeRecords } from '@mesos-ts/recordio';
import { request, type Dispatcher } from 'undici';

/** Where the agent ID is kept between sessions and restarts. */
export interface AgentIdStore {
  /** The persisted ID, or undefined for a new agent. */
  load(): string | undefined;
  /** Persists the ID the master assigned (or confirmed). Failures are the store's to report. */
  save(agentId: string): void;
}

/** An in-memory {@link AgentIdStore} (simulated agents, tests). */
export function memoryAgentIdStore(initial?: string): AgentIdStore {
  let id = initial;
  return {
    load: () => id,
    save: (agentId) => {
      id = agentId;
    },
  };
}

/** What the agent runs, sent with `REREGISTER`. */
export interface ReregisterReport {
  readonly frameworks: readonly FrameworkInfo[];
  readonly executors: readonly ExecutorInfo[];
  readonly tasks: readonly Task[];
  /** Its dynamic reservations and persistent volumes (checkpointed-resources.ts). */
  readonly checkpointedResources?: readonly Resource[];
  /** Set while it drains, so a master that lost track (it restarted) resumes the drain (drain.ts). */
  readonly drainConfig?: DrainConfig;
}

/** Structured logging, shaped like the agent's pino wrapper; silent by default. */
export interface LinkLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** How the link reports what happens; every callback is optional and must not throw. */
export interface MasterLinkHandlers {
  /** A session opened: the first event, REGISTERED. `reregistered` tells whether the call was REREGISTER. */
  onRegistered?(registered: internal.AgentEvent_Registered, info: { readonly reregistered: boolean }): void;
  /** Every event after REGISTERED except PING (answered here) and SHUTDOWN (see `onShutdown`). */
  onEvent?(event: internal.AgentEvent): void;
  /** A registered session ended; the link re-registers by itself (unless stopped). */
  onDisconnected?(reason: string): void;
  /** The master told the agent to shut down; the link has stopped. */
  onShutdown?(message: string | undefined): void;
}

export interface MasterLinkOptions {
  /** The master, `host:port` or `http://host:port`. */
  readonly master: string;
  /** The agent's description; `id` is filled in from the store / REGISTERED. */
  readonly agentInfo: AgentInfo;
  /** libprocess-style identity, `slave(1)@<ip>:<port>`. */
  readonly pid: string;
  readonly version?: string;
  readonly capabilities?: readonly AgentInfo_Capability[];
  /** Default: in memory, starting empty (a new agent). */
  readonly idStore?: AgentIdStore;
  /** What to report on REREGISTER. Default: nothing runs. */
  readonly report?: () => ReregisterReport;
  readonly handlers?: MasterLinkHandlers;
  readonly logger?: LinkLogger;
  /** Mesos's `--registration_backoff_factor`. Default 1 s. */
  readonly backoffFactorMs?: number;
  /** Largest backoff. Default 1 min. */
  readonly maxBackoffMs?: number;
  /** Random numbers in [0, 1) for the backoff jitter. Default `Math.random`. */
  readonly random?: () => number;
  /** The undici dispatcher. Default: undici's global one. */
  readonly dispatcher?: Dispatcher;
}

export const AGENT_ENDPOINT_PATH = '/master/internal/agent';
const PROTOBUF = 'application/x-protobuf';
const STREAM_ID = 'mesos-stream-id';
const silent: LinkLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

type SessionEnd = 'lost' | 'failed' | 'shutdown' | 'stopped';

/** See the module comment. */
export class MasterLink {
  readonly #options: MasterLinkOptions;
  readonly #base: string;
  readonly #log: LinkLogger;
  readonly #idStore: AgentIdStore;
  #agentId: string | undefined;
  #streamId: string | undefined;
  #masterInfo: internal.AgentEvent_Registered['masterInfo'];
  #session: AbortController | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  #wake: (() => void) | undefined;
  #calls: Promise<void> = Promise.resolve();
  #batch: internal.StatusUpdate[] = [];
  #flushScheduled = false;
  /** Resets the ping watchdog of the open session. */
  #rearmPing: (() => void) | undefined;
  /** Aborted by stop(), so that no call outlives the link. */
  readonly #callsAbort = new AbortController();

  constructor(options: MasterLinkOptions) {
    this.#options = options;
    const master = options.master.trim().replace(/\/+$/, '');
    this.#base = /^https?:\/\//.test(master) ? master : `http://${master}`;
    this.#log = options.logger ?? silent;
    this.#idStore = options.idStore ?? memoryAgentIdStore();
    this.#agentId = this.#idStore.load();
  }

  /** The agent ID: persisted from an earlier session, or assigned by the current one. */
  get agentId(): string | undefined {
    return this.#agentId;
  }

  /** Whether a session is open (REGISTERED received and the stream still up). */
  get connected(): boolean {
    return this.#streamId !== undefined;
  }

  /** The `Mesos-Stream-Id` of the open session. */
  get streamId(): string | undefined {
    return this.#streamId;
  }

  /** The master of the open session, from REGISTERED. */
  get masterInfo(): internal.AgentEvent_Registered['masterInfo'] {
    return this.#masterInfo;
  }

  /** Starts registering; sessions then come and go on their own until {@link stop}. Idempotent. */
  start(): void {
    if (this.#running !== undefined || this.#stopped) return;
    this.#running = this.#run();
  }

  /** Ends the session (without UNREGISTER: the master sees a disconnect) and stops re-registering. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#session?.abort();
    this.#wake?.();
    this.#callsAbort.abort();
    await this.#running;
    await this.#calls;
  }

  /**
   * Queues a status update for the master. Updates go as one `STATUS_UPDATE` call per round trip: those queued
   * while earlier calls are still in flight, and in the same tick, wait for them and then go together. Under load
   * an agent thus sends one call per round trip instead of a queue of small calls, each waiting for the previous.
   * Without a session they are dropped (the status update manager resends them after re-registration).
   */
  sendStatusUpdate(update: internal.StatusUpdate): void {
    this.#batch.push(update);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    const flush = this.#calls
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(async () => {
        this.#flushScheduled = false;
        const updates = this.#batch;
        this.#batch = [];
        if (updates.length === 0) return;
        if (!this.connected) {
          this.#log.warn(`Dropping ${updates.length} status update(s): not registered with a master`);
          return;
        }
        await this.#post({ type: internal.AgentCall_Type.STATUS_UPDATE, statusUpdates: { updates } }, 'STATUS_UPDATE');
      });
    this.#calls = flush;
  }

  /**
   * Sends a call of the open session (any type but REGISTER/REREGISTER), after the calls sent before it.
   * `agent_id` is filled in. Resolves with an error (never rejects) when there is no session, the master
   * answers anything but 202, or the connection fails; a 403 also ends the session (it is stale).
   */
  send(call: internal.AgentCall): Promise<Result<void>> {
    const type = internal.AgentCall_Type[call.type ?? 0] ?? String(call.type);
    if (call.type === internal.AgentCall_Type.REGISTER || call.type === internal.AgentCall_Type.REREGISTER) {
      return Promise.resolve(err(new MesosTsError('INVALID_ARGUMENT', `${type} is sent by the link itself`)));
    }
    const result = this.#calls.then(() => this.#post(call, type));
    this.#calls = result.then(() => undefined);
    return result;
  }

  async #post(call: internal.AgentCall, type: string): Promise<Result<void>> {
    const streamId = this.#streamId;
    const agentId = this.#agentId;
    if (streamId === undefined || agentId === undefined) {
      return err(new MesosTsError('UNAVAILABLE', `Cannot send ${type}: not registered with a master`));
    }
    try {
      const body = encodeProtobuf('mesos_ts.internal.AgentCall', { ...call, agentId: { value: agentId } });
      const response = await request(`${this.#base}${AGENT_ENDPOINT_PATH}`, {
        method: 'POST',
        headers: { 'content-type': PROTOBUF, accept: PROTOBUF, [STREAM_ID]: streamId },
        body,
        signal: this.#callsAbort.signal,
        ...(this.#options.dispatcher === undefined ? {} : { dispatcher: this.#options.dispatcher }),
      });
      const text = await response.body.text().catch(() => '');
      if (response.statusCode === 202 || response.statusCode === 200) return ok(undefined);
      const error = new MesosTsError(
        response.statusCode === 403 ? 'FORBIDDEN' : 'UNAVAILABLE',
        `The master answered ${type} with ${response.statusCode}: ${text.trim()}`,
      );
      this.#log.warn(error.message);
      if (response.statusCode === 403 && this.#streamId === streamId) {
        // The master no longer knows this session (it restarted or took a newer one): register again.
        this.#session?.abort();
      }
      return err(error);
    } catch (e) {
      if (this.#stopped) return err(new MesosTsError('UNAVAILABLE', `${type} not sent: the link is stopping`, { cause: e }));
      const error = new MesosTsError('UNAVAILABLE', `Failed to send ${type} to ${this.#base}: ${(e as Error).message}`, { cause: e });
      this.#log.warn(error.message);
      return err(error);
    }
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#stopped) {
      const end = await this.#openSession();
      if (end === 'shutdown' || end === 'stopped' || this.#stopped) return;
      // A session that got as far as REGISTERED starts the backoff over, as Mesos does on a new master.
      failures = end === 'lost' ? 0 : failures + 1;
      const factor = this.#options.backoffFactorMs ?? 1_000;
      const ceiling = Math.min(factor * 2 ** failures, this.#options.maxBackoffMs ?? 60_000);
      const delay = Math.floor((this.#options.random ?? Math.random)() * ceiling);
      this.#log.info(`Re-registering with the master at ${this.#base} in ${delay} ms`, { attempt: failures });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  /** One session: the (re-)registration call and its event stream, until it ends. */
  async #openSession(): Promise<SessionEnd> {
    const controller = new AbortController();
    this.#session = controller;
    const reregistering = this.#agentId !== undefined;
    let pingTimer: NodeJS.Timeout | undefined;
    let pingTimedOut = false;
    let registered = false;
    let end: SessionEnd = 'failed';
    let reason = 'the master closed the stream';

    try {
      // Inside the try: a report that does not encode is a failed attempt, logged, not the end of the link.
      const body = encodeProtobuf('mesos_ts.internal.AgentCall', this.#registrationCall());
      const response = await request(`${this.#base}${AGENT_ENDPOINT_PATH}`, {
        method: 'POST',
        headers: { 'content-type': PROTOBUF, accept: PROTOBUF },
        body,
        signal: controller.signal,
        // Liveness is the ping watchdog's job; undici's body timeout would cut a quiet stream.
        bodyTimeout: 0,
        ...(this.#options.dispatcher === undefined ? {} : { dispatcher: this.#options.dispatcher }),
      });
      if (response.statusCode !== 200) {
        const text = await response.body.text().catch(() => '');
        this.#log.warn(`The master refused ${reregistering ? 'REREGISTER' : 'REGISTER'} with ${response.statusCode}: ${text.trim()}`);
        return 'failed';
      }
      const header = response.headers[STREAM_ID];
      const streamId = Array.isArray(header) ? header[0] : header;
      if (streamId === undefined || streamId === '') {
        await response.body.dump().catch(() => undefined);
        this.#log.warn('The master answered the registration without a Mesos-Stream-Id header');
        return 'failed';
      }

      for await (const record of decodeRecords(response.body)) {
        const decoded = decodeProtobuf('mesos_ts.internal.AgentEvent', record);
        if (!decoded.ok) {
          reason = `undecodable event: ${decoded.error.message}`;
          if (!registered) this.#log.warn(`Registration with the master at ${this.#base} failed: ${reason}`);
          break;
        }
        const event = decoded.value;
        if (!registered) {
          if (event.type !== internal.AgentEvent_Type.REGISTERED || event.registered?.agentId?.value === undefined) {
            reason = `the first event was ${internal.AgentEvent_Type[event.type ?? 0] ?? event.type}, not REGISTERED with an agent ID`;
            this.#log.warn(`Registration with the master at ${this.#base} failed: ${reason}`);
            break;
          }
          registered = true;
          end = 'lost';
          const info = event.registered;
          this.#agentId = info.agentId!.value!;
          this.#idStore.save(this.#agentId);
          this.#streamId = streamId;
          this.#masterInfo = info.masterInfo;
          const timeoutMs = (info.pingTimeoutSeconds ?? 15) * (info.maxPingTimeouts ?? 5) * 1000;
          const arm = (): void => {
            if (pingTimer !== undefined) clearTimeout(pingTimer);
            pingTimer = setTimeout(() => {
              pingTimedOut = true;
              controller.abort();
            }, timeoutMs);
            pingTimer.unref();
          };
          arm();
          this.#rearmPing = arm;
          this.#log.info(`${reregistering ? 'Re-registered' : 'Registered'} with the master as agent ${this.#agentId}`, {
            master: info.masterInfo?.id,
            stream_id: streamId,
          });
          this.#safely('onRegistered', () => this.#options.handlers?.onRegistered?.(info, { reregistered: reregistering }));
          continue;
        }
        switch (event.type) {
          case internal.AgentEvent_Type.PING:
            this.#rearmPing?.();
            void this.send({ type: internal.AgentCall_Type.PONG, pong: { pingId: event.ping?.pingId ?? 0n } });
            break;
          case internal.AgentEvent_Type.SHUTDOWN:
            this.#log.warn(`The master shut this agent down${event.shutdown?.message ? `: ${event.shutdown.message}` : ''}`);
            this.#stopped = true;
            end = 'shutdown';
            this.#safely('onShutdown', () => this.#options.handlers?.onShutdown?.(event.shutdown?.message));
            return end;
          default:
            this.#safely('onEvent', () => this.#options.handlers?.onEvent?.(event));
        }
      }
    } catch (e) {
      if (this.#stopped) end = 'stopped';
      reason = pingTimedOut ? 'no PING from the master in time' : `the stream failed: ${(e as Error).message}`;
      if (!registered && !this.#stopped) this.#log.warn(`Failed to register with the master at ${this.#base}: ${(e as Error).message}`);
    } finally {
      if (pingTimer !== undefined) clearTimeout(pingTimer);
      this.#rearmPing = undefined;
      controller.abort();
      if (this.#session === controller) this.#session = undefined;
      const wasConnected = registered;
      this.#streamId = undefined;
      if (wasConnected && end !== 'shutdown') {
        if (this.#stopped) {
          end = 'stopped';
          this.#log.info('Closed the session with the master');
        } else {
          this.#log.warn(`Lost the session with the master: ${reason}`);
        }
        this.#safely('onDisconnected', () => this.#options.handlers?.onDisconnected?.(reason));
      }
    }
    return end;
  }

  /** Runs a handler; a throwing handler is a bug to log, not a reason to drop the session. */
  #safely(name: string, handler: () => void): void {
    try {
      handler();
    } catch (e) {
      this.#log.error(`The link's ${name} handler threw: ${(e as Error).stack ?? String(e)}`);
    }
  }

  #registrationCall(): internal.AgentCall {
    const { agentInfo, pid, version, capabilities } = this.#options;
    const common = {
      pid,
      ...(version === undefined ? {} : { version }),
      ...(capabilities === undefined ? {} : { capabilities: [...capabilities] }),
    };
    if (this.#agentId === undefined) {
      const { id: _ignored, ...withoutId } = agentInfo;
      return { type: internal.AgentCall_Type.REGISTER, register: { agentInfo: withoutId, ...common } };
    }
    const agentId: AgentID = { value: this.#agentId };
    const report = this.#options.report?.() ?? { frameworks: [], executors: [], tasks: [] };
    return {
      type: internal.AgentCall_Type.REREGISTER,
      agentId,
      reregister: {
        agentInfo: { ...agentInfo, id: agentId },
        ...common,
        frameworks: [...report.frameworks],
        executors: [...report.executors],
        tasks: [...report.tasks],
        ...(report.checkpointedResources === undefined ? {} : { checkpointedResources: [...report.checkpointedResources] }),
        ...(report.drainConfig === undefined ? {} : { drainConfig: report.drainConfig }),
      },
    };
  }
}
