/**
 * One simulated agent: the agent's real protocol client ({@link MasterLink} from @mesos-ts/agent: REGISTER, the
 * protobuf event stream, PONG, STATUS_UPDATE calls batched per tick, re-registration with backoff) wired to an
 * {@link InstantExecutor} instead of containers. Thousands of them share one process and one undici dispatcher.
 */
import { AGENT_ENDPOINT_PATH, MasterLink, type LinkLogger } from '@mesos-ts/agent';
import { encodeProtobuf, internal, type AgentInfo, type Attribute, type Resource } from '@mesos-ts/proto';
import type { Dispatcher } from 'undici';
import type { CallPoster } from './call-poster';
import { InstantExecutor, type TaskBehaviour } from './instant-executor';

/** Options of {@link SimulatedAgent}. */
export interface SimulatedAgentOptions {
  /** The master, `host:port` or `http://host:port`. */
  readonly master: string;
  /** `AgentInfo.hostname`, unique per agent so that `/master/state` tells them apart. */
  readonly hostname: string;
  /** `AgentInfo.port` and the port in the pid (made up: nothing listens there). */
  readonly port: number;
  /** The IP in the pid; default 127.0.0.1. */
  readonly ip?: string;
  readonly resources: readonly Resource[];
  readonly attributes?: readonly Attribute[];
  readonly behaviour?: TaskBehaviour;
  readonly dispatcher?: Dispatcher;
  readonly logger?: LinkLogger;
  /** MasterLink's backoff factor (Mesos's --registration_backoff_factor). Default 1 s. */
  readonly backoffFactorMs?: number;
  /**
   * How status updates reach the master. `coalesce` (default): updates wait while this agent's previous
   * STATUS_UPDATE call is in flight and then go together in one call, so an agent running many tasks needs
   * few round trips. `per-tick`: MasterLink's own batching (what the real agent does), one call per event-loop
   * tick, each queued behind the previous one.
   */
  readonly updateBatching?: 'coalesce' | 'per-tick';
  /**
   * With `coalesce`: sends the STATUS_UPDATE calls through this shared client (the same request MasterLink
   * makes, without undici's per-request cost); a call it cannot deliver with a 202 goes again through
   * MasterLink, which handles a stale session. Default: MasterLink.
   */
  readonly poster?: CallPoster;
  /** Called once per session, when REGISTERED arrives. */
  readonly onRegistered?: (agent: SimulatedAgent) => void;
  /** Called when a registered session ends (the link re-registers by itself). */
  readonly onDisconnected?: (agent: SimulatedAgent, reason: string) => void;
}

const PROTOBUF = 'application/x-protobuf';

/** See the module comment. */
export class SimulatedAgent {
  readonly hostname: string;
  readonly pid: string;
  readonly link: MasterLink;
  readonly executor: InstantExecutor;
  /** Sessions opened so far (1 after the first REGISTERED). */
  sessions = 0;
  /** Calls the master refused or that failed to send (their updates are resent by the update manager). */
  failedCalls = 0;
  /** STATUS_UPDATE calls sent (with `coalesce` batching; MasterLink counts its own otherwise). */
  statusUpdateCalls = 0;
  #queued: internal.StatusUpdate[] = [];
  #inFlight = false;
  #flushScheduled = false;
  readonly #poster: CallPoster | undefined;

  constructor(options: SimulatedAgentOptions) {
    this.hostname = options.hostname;
    this.pid = `slave(1)@${options.ip ?? '127.0.0.1'}:${options.port}`;
    this.#poster = options.poster;
    const agentInfo: AgentInfo = { hostname: options.hostname, port: options.port, resources: [...options.resources], attributes: [...(options.attributes ?? [])] };
    const warn = (message: string): void => options.logger?.warn(message, { agent: options.hostname });
    this.executor = new InstantExecutor({
      agentId: () => this.link.agentId,
      forward: options.updateBatching === 'per-tick' ? (update) => this.link.sendStatusUpdate(update) : (update) => this.#queue(update),
      send: (call) => {
        void this.link.send(call).then((result) => {
          if (!result.ok) this.failedCalls++;
        });
      },
      warn,
      ...(options.behaviour === undefined ? {} : { behaviour: options.behaviour }),
    });
    this.link = new MasterLink({
      master: options.master,
      agentInfo,
      pid: this.pid,
      version: '1.11.0',
      report: () => this.executor.report(),
      handlers: {
        onRegistered: (registered) => {
          this.sessions++;
          this.executor.registered((registered.unknownFrameworks ?? []).map((f) => f.value ?? ''));
          options.onRegistered?.(this);
        },
        onEvent: (event) => this.executor.handle(event),
        onDisconnected: (reason) => {
          this.executor.disconnected();
          options.onDisconnected?.(this, reason);
        },
        onShutdown: (message) => {
          this.executor.stop();
          warn(`The master shut the simulated agent down${message === undefined ? '' : `: ${message}`}`);
        },
      },
      ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      ...(options.backoffFactorMs === undefined ? {} : { backoffFactorMs: options.backoffFactorMs }),
    });
  }

  /** The ID the master assigned, once registered. */
  get agentId(): string | undefined {
    return this.link.agentId;
  }

  /** Whether a session is open. */
  get connected(): boolean {
    return this.link.connected;
  }

  /** Starts registering (and re-registering whenever the session breaks). */
  start(): void {
    this.link.start();
  }

  #queue(update: internal.StatusUpdate): void {
    this.#queued.push(update);
    if (this.#inFlight || this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#inFlight || this.#queued.length === 0) return;
    const updates = this.#queued;
    this.#queued = [];
    // Without a session they are dropped: the status update manager resends them after re-registration.
    if (!this.link.connected) return;
    this.#inFlight = true;
    this.statusUpdateCalls++;
    const call: internal.AgentCall = { type: internal.AgentCall_Type.STATUS_UPDATE, statusUpdates: { updates } };
    void this.#send(call).then((ok) => {
      this.#inFlight = false;
      if (!ok) this.failedCalls++;
      if (this.#queued.length > 0) this.#flush();
    });
  }

  /** Sends a call through the poster when there is one (falling back to MasterLink), else MasterLink. */
  async #send(call: internal.AgentCall): Promise<boolean> {
    const streamId = this.link.streamId;
    const agentId = this.link.agentId;
    if (this.#poster !== undefined && streamId !== undefined && agentId !== undefined) {
      try {
        const body = encodeProtobuf('mesos_ts.internal.AgentCall', { ...call, agentId: { value: agentId } });
        const response = await this.#poster.post(AGENT_ENDPOINT_PATH, { 'content-type': PROTOBUF, accept: PROTOBUF, 'mesos-stream-id': streamId }, body);
        if (response.status === 202 || response.status === 200) return true;
      } catch {
        // The connection failed: MasterLink tries again below, and reports.
      }
    }
    return (await this.link.send(call)).ok;
  }

  /** Closes the session (the master sees a disconnect, not an UNREGISTER) and stops every timer. */
  async stop(): Promise<void> {
    this.executor.stop();
    await this.link.stop();
  }
}
