/**
 * {@link simulateAgents}: N simulated agents in one process, each a real session over the master-agent protocol
 * (see {@link SimulatedAgent}), sharing one undici dispatcher. Registration is paced (at most
 * `registerConcurrency` REGISTER calls outstanding) so that ten thousand agents do not hit the master's accept
 * queue at the same instant; each link retries on its own with Mesos's backoff if one fails anyway.
 */
import { MesosTsError } from '@mesos-ts/errors';
import type { LinkLogger } from '@mesos-ts/agent';
import type { Attribute } from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import type { Dispatcher } from 'undici';
import type { ExecutorCounters, TaskBehaviour } from './instant-executor';
import { SimulatedAgent, type SimulatedAgentOptions } from './simulated-agent';
import { CallPoster } from './call-poster';
import { SplitDispatcher } from './split-dispatcher';

/** Options of {@link simulateAgents}. */
export interface SimulationOptions {
  /** The master, `host:port` or `http://host:port`. */
  readonly master: string;
  /** How many agents (at least 1). */
  readonly count: number;
  /** Each agent's resources, Mesos's text form. Default `cpus:1;mem:1024;disk:1024;ports:[31000-32000]`. */
  readonly resources?: string;
  readonly attributes?: readonly Attribute[];
  /** Hostnames are `<prefix>-<index>`; default `sim`. */
  readonly hostnamePrefix?: string;
  /** First made-up agent port (one per agent, in the pid and AgentInfo). Default 20000. */
  readonly basePort?: number;
  readonly behaviour?: TaskBehaviour;
  /** See {@link SimulatedAgentOptions.updateBatching}. Default `coalesce`. */
  readonly updateBatching?: 'coalesce' | 'per-tick';
  /** REGISTER calls outstanding at once. Default 200. */
  readonly registerConcurrency?: number;
  /**
   * Connections for the coalesced STATUS_UPDATE calls (see {@link CallPoster}), and for MasterLink's other calls
   * (PONG, EXECUTOR_EXITED, ...) on top of one per agent for its event stream unless `dispatcher` is given.
   * Default 64.
   */
  readonly callConnections?: number;
  /** Calls in flight per call connection (HTTP/1.1 pipelining; see {@link SplitDispatcher}). Default 8. */
  readonly pipelining?: number;
  /** An undici dispatcher to use instead of the simulation's own (which it closes on stop). */
  readonly dispatcher?: Dispatcher;
  readonly logger?: LinkLogger;
  /** MasterLink's re-registration backoff factor. Default 1 s. */
  readonly backoffFactorMs?: number;
}

/** Totals over all agents. */
export interface SimulationStats extends ExecutorCounters {
  readonly agents: number;
  /** Agents with an open session now. */
  readonly connected: number;
  /** Sessions opened (REGISTERED events), re-registrations included. */
  readonly sessions: number;
  /** Sessions that ended while the simulation ran. */
  readonly disconnects: number;
  /** Non-update calls refused by the master or failed. */
  readonly failedCalls: number;
  /** Tasks the agents know now (running, or terminal and not yet acknowledged). */
  readonly tasks: number;
}

/** A running simulation. */
export interface AgentSimulation {
  readonly agents: readonly SimulatedAgent[];
  /** Resolves once every agent has registered at least once; rejects after `timeoutMs` (default 60 s). */
  ready(timeoutMs?: number): Promise<void>;
  /** Sums the agents' counters. */
  stats(): SimulationStats;
  /** Closes every session and the dispatcher it created. Idempotent. */
  stop(): Promise<void>;
}

export const DEFAULT_SIM_RESOURCES = 'cpus:1;mem:1024;disk:1024;ports:[31000-32000]';

/** Starts `count` simulated agents registering with `master`. See the module comment. */
export function simulateAgents(options: SimulationOptions): AgentSimulation {
  if (!Number.isInteger(options.count) || options.count < 1) {
    throw new MesosTsError('INVALID_ARGUMENT', `Invalid 'count' ${String(options.count)}: expected an integer of at least 1`);
  }
  const concurrency = options.registerConcurrency ?? 200;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new MesosTsError('INVALID_ARGUMENT', `Invalid 'registerConcurrency' ${String(concurrency)}: expected an integer of at least 1`);
  }
  const resourcesText = options.resources ?? DEFAULT_SIM_RESOURCES;
  const parsed = Resources.parse(resourcesText);
  if (!parsed.ok) throw new MesosTsError('INVALID_ARGUMENT', `Invalid 'resources' '${resourcesText}': ${parsed.error.message}`, { cause: parsed.error });
  const resources = parsed.value.toProto();

  const ownDispatcher =
    options.dispatcher === undefined
      ? // Every agent's event stream holds a connection for good; calls need connections of their own beside them.
        new SplitDispatcher({ streamConnections: options.count, callConnections: options.callConnections ?? 64, pipelining: options.pipelining ?? 8 })
      : undefined;
  const dispatcher = options.dispatcher ?? ownDispatcher!;
  const poster = new CallPoster(options.master, { connections: options.callConnections ?? 64, pipelining: options.pipelining ?? 8 });

  let registeredOnce = 0;
  let disconnects = 0;
  let next = 0;
  let stopped = false;
  const waiters = new Set<() => void>();
  const seen = new WeakSet<SimulatedAgent>();

  // Sessions cut by stop() are expected: the links' warnings about them are not passed on.
  const logger: LinkLogger | undefined =
    options.logger === undefined
      ? undefined
      : {
          info: (message, fields) => (stopped ? undefined : options.logger!.info(message, fields)),
          warn: (message, fields) => (stopped ? undefined : options.logger!.warn(message, fields)),
          error: (message, fields) => (stopped ? undefined : options.logger!.error(message, fields)),
        };
  const agents: SimulatedAgent[] = [];
  const prefix = options.hostnamePrefix ?? 'sim';
  const basePort = options.basePort ?? 20_000;
  for (let i = 0; i < options.count; i++) {
    agents.push(
      new SimulatedAgent({
        master: options.master,
        hostname: `${prefix}-${i}`,
        port: basePort + (i % 40_000),
        resources,
        dispatcher,
        poster,
        ...(options.attributes === undefined ? {} : { attributes: options.attributes }),
        ...(options.behaviour === undefined ? {} : { behaviour: options.behaviour }),
        ...(options.updateBatching === undefined ? {} : { updateBatching: options.updateBatching }),
        ...(logger === undefined ? {} : { logger }),
        ...(options.backoffFactorMs === undefined ? {} : { backoffFactorMs: options.backoffFactorMs }),
        onRegistered: (agent) => {
          if (seen.has(agent)) return;
          seen.add(agent);
          registeredOnce++;
          // One registered: let the next one start, keeping `concurrency` registrations in flight.
          startNext();
          for (const waiter of [...waiters]) waiter();
        },
        onDisconnected: () => {
          if (!stopped) disconnects++;
        },
      }),
    );
  }

  function startNext(): void {
    if (stopped || next >= agents.length) return;
    agents[next++]!.start();
  }
  for (let i = 0; i < Math.min(concurrency, agents.length); i++) startNext();

  let stopping: Promise<void> | undefined;
  return {
    agents,
    ready(timeoutMs = 60_000) {
      if (registeredOnce === agents.length) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const waiter = (): void => {
          if (registeredOnce < agents.length) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new MesosTsError('UNAVAILABLE', `Only ${registeredOnce} of ${agents.length} simulated agents registered within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    stats() {
      const totals = { tasksLaunched: 0, updatesGenerated: 0, updatesAcknowledged: 0, badAcknowledgements: 0, executorsExited: 0 };
      let connected = 0;
      let sessions = 0;
      let failedCalls = 0;
      let tasks = 0;
      for (const agent of agents) {
        const c = agent.executor.counters;
        totals.tasksLaunched += c.tasksLaunched;
        totals.updatesGenerated += c.updatesGenerated;
        totals.updatesAcknowledged += c.updatesAcknowledged;
        totals.badAcknowledgements += c.badAcknowledgements;
        totals.executorsExited += c.executorsExited;
        if (agent.connected) connected++;
        sessions += agent.sessions;
        failedCalls += agent.failedCalls;
        tasks += agent.executor.taskCount;
      }
      return { ...totals, agents: agents.length, connected, sessions, disconnects, failedCalls, tasks };
    },
    stop() {
      stopping ??= (async () => {
        stopped = true;
        await Promise.all(agents.map((agent) => agent.stop()));
        poster.close();
        await ownDispatcher?.close().catch(() => undefined);
      })();
      return stopping;
    },
  };
}
