/**
 * The fill scheduler: one framework that launches N tasks which stay running (on simulated agents with
 * `behaviour: 'run'`), acknowledges their updates, and keeps them until {@link FilledCluster.stop} tears it down.
 * `npm run bench:e2e` uses it to build a large cluster (10,000 agents, 100,000 running tasks) and then measures
 * what operators' tools poll: `/master/state` and `/metrics/snapshot`.
 */
import { SchedulerClient, acceptCall, acknowledgeCall, declineCall, killCall, launchOperation, withFrameworkId } from '@mesos-ts/client';
import { MesosTsError } from '@mesos-ts/errors';
import { FrameworkInfo_Capability_Type, TaskState, encodeProtobuf, scheduler, type Offer, type Resource, type TaskInfo } from '@mesos-ts/proto';
import { CallPoster } from './call-poster';
import { SplitDispatcher } from './split-dispatcher';

/** Options of {@link fillCluster}. */
export interface FillOptions {
  /** The master, `http://host:port`. */
  readonly master: string;
  /** Tasks to launch and keep running (at least 1). */
  readonly tasks: number;
  /** Tasks per offer at most (spreads them over the agents); default 10. */
  readonly perOffer?: number;
  /** Each task's cpus and mem; default 0.01 and 1. */
  readonly taskCpus?: number;
  readonly taskMem?: number;
}

/** A framework holding running tasks. */
export interface FilledCluster {
  readonly frameworkId: string;
  /** Tasks whose TASK_RUNNING arrived. */
  running(): number;
  /** Resolves once every task is running and its update acknowledged (rejects after `timeoutMs`, or if a launch failed). */
  ready(timeoutMs: number): Promise<void>;
  /** Kills one running task (a change to the state, for measurements after a change); resolves on its update. */
  killOne(): Promise<void>;
  /** Tears the framework down. */
  stop(): Promise<void>;
}

const SCHEDULER_PATH = '/api/v1/scheduler';
const PROTOBUF = 'application/x-protobuf';
const MAX_IN_FLIGHT = 64;

/** Subscribes the fill framework and starts launching; see {@link FilledCluster}. */
export async function fillCluster(options: FillOptions): Promise<FilledCluster> {
  if (!Number.isInteger(options.tasks) || options.tasks < 1) throw new MesosTsError('INVALID_ARGUMENT', `Invalid 'tasks' ${String(options.tasks)}: expected an integer of at least 1`);
  const perOffer = options.perOffer ?? 10;
  const taskCpus = options.taskCpus ?? 0.01;
  const taskMem = options.taskMem ?? 1;
  const dispatcher = new SplitDispatcher({ streamConnections: 1, callConnections: 4, pipelining: 1 });
  const client = new SchedulerClient({
    master: options.master,
    contentType: 'protobuf',
    dispatcher,
    frameworkInfo: { user: 'bench', name: 'mesos-ts-fill', roles: ['*'], capabilities: [{ type: FrameworkInfo_Capability_Type.MULTI_ROLE }], failoverTimeout: 0 },
  });
  const subscription = client.subscribe();
  const iterator = subscription[Symbol.asyncIterator]();
  const poster = new CallPoster(options.master, { connections: 16, pipelining: 16 });
  // Calls in flight are bounded: 10,000 ACCEPTs written at once would wait in the master's sockets for longer than
  // its HTTP server lets a request's headers take (it then resets the connection). The rest wait here.
  let inFlight = 0;
  const queue: (() => void)[] = [];
  const post = async (call: scheduler.Call): Promise<void> => {
    if (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((resolve) => queue.push(resolve));
    inFlight++;
    try {
      const body = encodeProtobuf('mesos.v1.scheduler.Call', withFrameworkId(call, client.frameworkId));
      const response = await poster.post(SCHEDULER_PATH, { 'content-type': PROTOBUF, accept: PROTOBUF, 'mesos-stream-id': client.streamId ?? '' }, body);
      if (response.status !== 202) throw new MesosTsError('UNAVAILABLE', `The master answered ${scheduler.Call_Type[call.type ?? 0]} with ${response.status}: ${response.body.toString('utf8').trim()}`);
    } finally {
      inFlight--;
      queue.shift()?.();
    }
  };

  const first = await iterator.next();
  if (first.done === true || first.value.type !== scheduler.Event_Type.SUBSCRIBED) {
    subscription.close();
    poster.close();
    await dispatcher.close();
    throw new MesosTsError('UNAVAILABLE', 'Could not subscribe the fill framework');
  }

  let launched = 0;
  let next = 0;
  /** Acknowledgements not yet answered: the cluster is quiet only once they are all in. */
  let acksPending = 0;
  const running = new Map<string, string>();
  let failure: Error | undefined;
  const waiters = new Set<() => void>();
  const notify = (): void => {
    for (const w of [...waiters]) w();
  };
  const scalar = (offer: Offer, name: string, value: number): Resource | undefined => {
    const r = (offer.resources ?? []).find((x) => x.name === name && (x.scalar?.value ?? 0) >= value - 1e-9);
    return r === undefined ? undefined : { ...r, scalar: { value } };
  };

  const onOffers = (offers: readonly Offer[]): void => {
    const decline: string[] = [];
    for (const offer of offers) {
      const cpus = scalar(offer, 'cpus', taskCpus);
      const mem = scalar(offer, 'mem', taskMem);
      const count = Math.min(perOffer, options.tasks - launched);
      if (count <= 0 || cpus === undefined || mem === undefined || offer.id?.value === undefined) {
        if (offer.id?.value !== undefined) decline.push(offer.id.value);
        continue;
      }
      const tasks: TaskInfo[] = [];
      for (let i = 0; i < count; i++) {
        const id = `fill-${next++}`;
        tasks.push({ name: id, taskId: { value: id }, resources: [cpus, mem], command: { value: 'sleep 1000', shell: true } });
      }
      launched += count;
      post(acceptCall([offer.id.value], [launchOperation(offer, tasks)], { refuseSeconds: 3600 })).catch((e: unknown) => {
        failure ??= e as Error;
        notify();
      });
    }
    // Filled: keep the rest away, so the cluster is quiet while it is measured.
    if (decline.length > 0) post(declineCall(decline, { refuseSeconds: 3600 })).catch(() => undefined);
  };

  const pump = (async () => {
    try {
      for (;;) {
        const item = await iterator.next();
        if (item.done === true) break;
        const event = item.value;
        if (event.type === scheduler.Event_Type.OFFERS) onOffers(event.offers?.offers ?? []);
        else if (event.type === scheduler.Event_Type.UPDATE && event.update?.status !== undefined) {
          const status = event.update.status;
          const taskId = status.taskId?.value ?? '';
          if (status.state === TaskState.TASK_RUNNING) running.set(taskId, status.agentId?.value ?? '');
          else running.delete(taskId);
          const ack = acknowledgeCall(status);
          if (ack !== undefined) {
            acksPending++;
            post(ack)
              .catch(() => undefined)
              .finally(() => {
                acksPending--;
                notify();
              });
          }
          notify();
        }
      }
    } catch {
      // The stream ends with stop().
    }
  })();

  const until = (done: () => boolean, timeoutMs: number, what: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (failure !== undefined) finish(failure);
        else if (done()) finish();
      };
      const timer = setTimeout(() => finish(new Error(`Timed out after ${timeoutMs} ms waiting for ${what} (${running.size} running)`)), timeoutMs);
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        waiters.delete(check);
        if (error === undefined) resolve();
        else reject(error);
      };
      waiters.add(check);
      check();
    });

  return {
    frameworkId: client.frameworkId?.value ?? '',
    running: () => running.size,
    ready: (timeoutMs) => until(() => running.size >= options.tasks && acksPending === 0, timeoutMs, `${options.tasks} running tasks, acknowledged`),
    killOne: async () => {
      const entry = running.entries().next().value;
      if (entry === undefined) return;
      const [taskId, agentId] = entry;
      await post(killCall(taskId, agentId));
      await until(() => !running.has(taskId) && acksPending === 0, 10_000, `the kill of ${taskId}`);
    },
    stop: async () => {
      await client.teardown().catch(() => undefined);
      subscription.close();
      poster.close();
      await pump;
      await dispatcher.close().catch(() => undefined);
    },
  };
}
