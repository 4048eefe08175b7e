/**
 * The bench scheduler: one framework on @mesos-ts/client's {@link SchedulerClient} (protobuf) that launches N tiny
 * command tasks as offers come, acknowledges every status update, and measures:
 *
 * - throughput: N / (time from the first OFFERS event to the acknowledgement (202) of the last terminal update);
 * - offer-to-RUNNING latency: for each task, from the moment the OFFERS event carrying its offer was decoded to
 *   the moment its TASK_RUNNING update was.
 *
 * Launch modes ({@link LaunchMode}): `batched` (one ACCEPT per offer with one LAUNCH of every task that fits),
 * `batched-ops` (one ACCEPT per offer with one LAUNCH operation per task), `one-per-accept` (one task per
 * ACCEPT: each offer takes one task and the rest goes back to the allocator). ACCEPTs carry
 * `refuse_seconds: 0` so leftovers are offered again at the next allocation; offers not needed are declined in
 * one DECLINE call per OFFERS event.
 *
 * With `rate`, launches are paced by a token bucket (offers that arrive with no token to spend are declined with
 * a short filter), to measure latency under a given load rather than at saturation.
 */
import { performance } from 'node:perf_hooks';
import { SchedulerClient, acceptCall, acknowledgeCall, declineCall, launchOperation, withFrameworkId } from '@mesos-ts/client';
import { MesosTsError } from '@mesos-ts/errors';
import { FrameworkInfo_Capability_Type, TaskState, encodeProtobuf, scheduler, type Offer, type Offer_Operation, type Resource, type TaskInfo, type TaskStatus } from '@mesos-ts/proto';
import type { Dispatcher } from 'undici';
import { CallPoster } from './call-poster';
import { SplitDispatcher } from './split-dispatcher';
import { TokenBucket, percentiles, type Percentiles } from './stats';

/** How tasks are packed into ACCEPT calls; see the module comment. */
export type LaunchMode = 'batched' | 'batched-ops' | 'one-per-accept';

export const LAUNCH_MODES: readonly LaunchMode[] = ['batched', 'batched-ops', 'one-per-accept'];

/** Options of {@link runBenchScheduler}. */
export interface BenchRunOptions {
  /** The master, `http://host:port`. */
  readonly master: string;
  /** Tasks to run to completion (at least 1). */
  readonly tasks: number;
  readonly mode: LaunchMode;
  /** Launches per second at most; unset: as fast as offers allow. */
  readonly rate?: number;
  /**
   * With `rate`: how many seconds of launches may go out at once (the token bucket's size). Offers come once
   * per allocation run, so about two allocation intervals sustain the rate without turning the pacing into
   * large bursts (which would measure queueing behind the burst, not the master). Default 0.1.
   */
  readonly burstSeconds?: number;
  /** Each task's resources. Default cpus 0.01, mem 1 (MB). */
  readonly taskCpus?: number;
  readonly taskMem?: number;
  /** Tasks per ACCEPT at most (batched modes). Default: all that fit. */
  readonly maxTasksPerOffer?: number;
  /** Gives up (and reports what it has, `timedOut: true`) after this long. Default 120 s. */
  readonly timeoutMs?: number;
  readonly frameworkName?: string;
  readonly role?: string;
  /**
   * For the SUBSCRIBE stream and TEARDOWN (@mesos-ts/client). Default: a {@link SplitDispatcher} of its own,
   * closed at the end. ACCEPT, DECLINE and ACKNOWLEDGE go through a {@link CallPoster} (every task costs three
   * calls, its ACCEPT's share and two acknowledgements: the harness's own HTTP client must stay cheap).
   */
  readonly dispatcher?: Dispatcher;
  /** The calls' connections. Default 32. */
  readonly connections?: number;
  /** Calls in flight per connection (HTTP/1.1 pipelining). Default 16. */
  readonly pipelining?: number;
}

/** What a run measured. */
export interface BenchRunResult {
  readonly mode: LaunchMode;
  readonly tasks: number;
  readonly rate: number | undefined;
  /** Tasks put into ACCEPT calls. */
  readonly launched: number;
  /** Tasks that reached TASK_FINISHED (acknowledged). */
  readonly finished: number;
  /** Tasks that ended in another terminal state, or whose ACCEPT failed. */
  readonly failed: number;
  /** A few examples of what failed (states, messages, call errors). */
  readonly failures: readonly string[];
  readonly timedOut: boolean;
  /** First OFFERS event to the last terminal acknowledgement. */
  readonly elapsedMs: number;
  readonly tasksPerSecond: number;
  /** Launches per second actually achieved between the first and the last launch. */
  readonly launchRate: number;
  readonly offersReceived: number;
  readonly acceptCalls: number;
  readonly declinedOffers: number;
  readonly offerToRunningMs: Percentiles;
  readonly stages: StageMeans;
}

interface TaskTrack {
  readonly offeredAt: number;
  running: boolean;
  done: boolean;
  /** When the ACCEPT carrying it was answered, the RUNNING and terminal updates arrived (ms, performance.now()). */
  acceptedAt?: number;
  runningAt?: number;
  terminalAt?: number;
}

/** Where the time of a task went, as means over the tasks of a run (ms). */
export interface StageMeans {
  /** OFFERS event to the master's answer (202) to the ACCEPT. */
  readonly offerToAccepted: number;
  /** OFFERS event to the TASK_RUNNING update. */
  readonly offerToRunning: number;
  /** TASK_RUNNING update to the terminal update (the acknowledgement round trip through master and agent). */
  readonly runningToTerminal: number;
  /** Terminal update to the master's answer to its acknowledgement. */
  readonly terminalToAcknowledged: number;
}

const MAX_FAILURES_KEPT = 5;
const SCHEDULER_PATH = '/api/v1/scheduler';
const PROTOBUF = 'application/x-protobuf';

/**
 * Subscribes a new framework, runs `tasks` tasks to a terminal state, tears the framework down and returns the
 * figures. Rejects only when it cannot subscribe; everything after that is reported in the result.
 */
export async function runBenchScheduler(options: BenchRunOptions): Promise<BenchRunResult> {
  if (!Number.isInteger(options.tasks) || options.tasks < 1) throw new MesosTsError('INVALID_ARGUMENT', `Invalid 'tasks' ${String(options.tasks)}: expected an integer of at least 1`);
  if (options.rate !== undefined && !(options.rate > 0)) throw new MesosTsError('INVALID_ARGUMENT', `Invalid 'rate' ${String(options.rate)}: expected a positive number`);
  if (options.burstSeconds !== undefined && !(options.burstSeconds > 0)) {
    throw new MesosTsError('INVALID_ARGUMENT', `Invalid 'burstSeconds' ${String(options.burstSeconds)}: expected a positive number`);
  }
  const taskCpus = options.taskCpus ?? 0.01;
  const taskMem = options.taskMem ?? 1;
  const maxPerOffer = options.mode === 'one-per-accept' ? 1 : (options.maxTasksPerOffer ?? Number.POSITIVE_INFINITY);
  const ownDispatcher = options.dispatcher === undefined ? new SplitDispatcher({ streamConnections: 1, callConnections: 4, pipelining: 1 }) : undefined;
  const dispatcher = options.dispatcher ?? ownDispatcher!;
  const client = new SchedulerClient({
    master: options.master,
    contentType: 'protobuf',
    dispatcher,
    frameworkInfo: {
      user: 'bench',
      name: options.frameworkName ?? 'mesos-ts-bench',
      roles: [options.role ?? '*'],
      capabilities: [{ type: FrameworkInfo_Capability_Type.MULTI_ROLE }],
      failoverTimeout: 0,
    },
  });
  const subscription = client.subscribe();
  const iterator = subscription[Symbol.asyncIterator]();
  const poster = new CallPoster(options.master, { connections: options.connections ?? 32, pipelining: options.pipelining ?? 16 });
  /** What SchedulerClient.call sends (the framework ID filled in, the stream's ID as a header); 202 or an error. */
  const post = async (call: scheduler.Call): Promise<void> => {
    const streamId = client.streamId;
    if (streamId === undefined) throw new MesosTsError('UNAVAILABLE', 'Not subscribed');
    const body = encodeProtobuf('mesos.v1.scheduler.Call', withFrameworkId(call, client.frameworkId));
    const response = await poster.post(SCHEDULER_PATH, { 'content-type': PROTOBUF, accept: PROTOBUF, 'mesos-stream-id': streamId }, body);
    if (response.status !== 202) {
      throw new MesosTsError('UNAVAILABLE', `The master answered ${scheduler.Call_Type[call.type ?? 0]} with ${response.status}: ${response.body.toString('utf8').trim()}`);
    }
  };

  const tracks = new Map<string, TaskTrack>();
  const latencies: number[] = [];
  const failures: string[] = [];
  let launched = 0;
  let finished = 0;
  let failed = 0;
  let offersReceived = 0;
  let acceptCalls = 0;
  let declinedOffers = 0;
  let firstOfferAt: number | undefined;
  let firstLaunchAt: number | undefined;
  let lastLaunchAt: number | undefined;
  let lastDoneAt: number | undefined;
  let nextTaskNo = 0;
  const stageSums = { terminalToAcknowledged: 0 };
  const stageCounts = { terminalToAcknowledged: 0 };
  const bucket = options.rate === undefined ? undefined : new TokenBucket(options.rate, Math.max(1, options.rate * (options.burstSeconds ?? 0.1)), performance.now());

  let settle: (() => void) | undefined;
  const allDone = new Promise<void>((resolve) => (settle = resolve));
  const checkDone = (): void => {
    if (finished + failed >= options.tasks) settle?.();
  };
  // Once every task is accounted for, the framework is torn down: calls still in flight then fail, harmlessly.
  let over = false;
  const note = (what: string): void => {
    if (!over && failures.length < MAX_FAILURES_KEPT) failures.push(what);
  };
  const fail = (what: string, count = 1): void => {
    failed += count;
    note(what);
    lastDoneAt = performance.now();
    checkDone();
  };

  const taskResource = (offer: Offer, name: string, value: number): Resource | undefined => {
    const r = (offer.resources ?? []).find((x) => x.name === name && x.scalar !== undefined && (x.scalar.value ?? 0) >= value - 1e-9);
    return r === undefined ? undefined : { ...r, scalar: { value } };
  };
  const fits = (offer: Offer): number => {
    let n = Number.POSITIVE_INFINITY;
    for (const [name, need] of [['cpus', taskCpus], ['mem', taskMem]] as const) {
      const have = (offer.resources ?? []).find((x) => x.name === name && x.scalar !== undefined)?.scalar?.value ?? 0;
      n = Math.min(n, Math.floor(have / need + 1e-9));
    }
    return n;
  };

  const onOffers = (offers: readonly Offer[], receivedAt: number): void => {
    offersReceived += offers.length;
    firstOfferAt ??= receivedAt;
    const decline: string[] = [];
    for (const offer of offers) {
      const remaining = options.tasks - launched;
      let count = Math.min(remaining, maxPerOffer, fits(offer));
      if (count > 0 && bucket !== undefined) count = bucket.take(count, receivedAt);
      const cpus = taskResource(offer, 'cpus', taskCpus);
      const mem = taskResource(offer, 'mem', taskMem);
      if (count <= 0 || cpus === undefined || mem === undefined || offer.id?.value === undefined) {
        if (offer.id?.value !== undefined) decline.push(offer.id.value);
        continue;
      }
      const tasks: TaskInfo[] = [];
      for (let i = 0; i < count; i++) {
        const id = `bench-${nextTaskNo++}`;
        tasks.push({ name: id, taskId: { value: id }, resources: [cpus, mem], command: { value: 'true', shell: true } });
        tracks.set(id, { offeredAt: receivedAt, running: false, done: false });
      }
      launched += count;
      const operations: Offer_Operation[] = options.mode === 'batched-ops' ? tasks.map((t) => launchOperation(offer, [t])) : [launchOperation(offer, tasks)];
      acceptCalls++;
      const now = performance.now();
      firstLaunchAt ??= now;
      lastLaunchAt = now;
      post(acceptCall([offer.id.value], operations, { refuseSeconds: 0 })).then(() => {
        const at = performance.now();
        for (const t of tasks) {
          const track = tracks.get(t.taskId!.value!);
          if (track !== undefined) track.acceptedAt = at;
        }
      }, (e: unknown) => {
        for (const t of tasks) {
          const track = tracks.get(t.taskId!.value!);
          if (track !== undefined) track.done = true;
        }
        fail(`ACCEPT of ${count} task(s) failed: ${(e as Error).message}`, count);
      });
    }
    if (decline.length > 0) {
      declinedOffers += decline.length;
      // Done: keep the offers away for good. Paced: back soon, when tokens will have accrued.
      const refuseSeconds = launched >= options.tasks ? 3600 : 1;
      post(declineCall(decline, { refuseSeconds })).catch((e: unknown) => note(`DECLINE failed: ${(e as Error).message}`));
    }
  };

  const onUpdate = (status: TaskStatus, receivedAt: number): void => {
    const taskId = status.taskId?.value ?? '';
    const track = tracks.get(taskId);
    const state = status.state ?? TaskState.TASK_STAGING;
    if (track !== undefined && state === TaskState.TASK_RUNNING && !track.running) {
      track.running = true;
      track.runningAt = receivedAt;
      latencies.push(receivedAt - track.offeredAt);
    }
    const terminal = state !== TaskState.TASK_RUNNING && state !== TaskState.TASK_STAGING && state !== TaskState.TASK_STARTING && state !== TaskState.TASK_KILLING;
    if (terminal && track !== undefined && track.terminalAt === undefined) track.terminalAt = receivedAt;
    const finish = (): void => {
      if (!terminal || track === undefined || track.done) return;
      track.done = true;
      stageSums.terminalToAcknowledged += performance.now() - (track.terminalAt ?? receivedAt);
      stageCounts.terminalToAcknowledged++;
      if (state === TaskState.TASK_FINISHED) {
        finished++;
        lastDoneAt = performance.now();
        checkDone();
      } else {
        fail(`task ${taskId}: ${TaskState[state] ?? state}${status.message ? ` (${status.message})` : ''}`);
      }
    };
    const ack = acknowledgeCall(status);
    if (ack === undefined) return finish();
    post(ack).then(finish, (e: unknown) => {
      note(`ACKNOWLEDGE of ${taskId} failed: ${(e as Error).message}`);
      finish();
    });
  };

  // The first event must be SUBSCRIBED (the client checks); anything else here is a failure to subscribe.
  const first = await iterator.next();
  if (first.done === true || first.value.type !== scheduler.Event_Type.SUBSCRIBED) {
    subscription.close();
    poster.close();
    await ownDispatcher?.close();
    throw new MesosTsError('UNAVAILABLE', `Could not subscribe the bench framework: ${first.done === true ? 'the stream ended' : (first.value.error?.message ?? 'unexpected first event')}`);
  }

  let streamError: unknown;
  const pump = (async () => {
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done === true) break;
        const event = next.value;
        const at = performance.now();
        if (event.type === scheduler.Event_Type.OFFERS) onOffers(event.offers?.offers ?? [], at);
        else if (event.type === scheduler.Event_Type.UPDATE && event.update?.status !== undefined) onUpdate(event.update.status, at);
        else if (event.type === scheduler.Event_Type.ERROR) {
          fail(`ERROR event: ${event.error?.message ?? ''}`, options.tasks);
          break;
        }
      }
    } catch (e) {
      streamError = e;
    }
    // A stream that ends early ends the run with what it has.
    settle?.();
  })();

  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([allDone.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), options.timeoutMs ?? 120_000)))]);
  clearTimeout(timer);
  if (streamError !== undefined) note(`event stream: ${(streamError as Error).message}`);
  over = true;
  // The figures stand as they are now, whatever the teardown's stragglers do to the counters.
  const counts = { launched, finished, failed, acceptCalls, offersReceived, declinedOffers, lastDoneAt };

  await client.teardown().catch(() => undefined);
  subscription.close();
  poster.close();
  await pump;
  await ownDispatcher?.close().catch(() => undefined);

  const mean = (pick: (t: TaskTrack) => number | undefined): number => {
    let sum = 0;
    let n = 0;
    for (const t of tracks.values()) {
      const v = pick(t);
      if (v === undefined) continue;
      sum += v;
      n++;
    }
    return n === 0 ? Number.NaN : sum / n;
  };
  const stages: StageMeans = {
    offerToAccepted: mean((t) => (t.acceptedAt === undefined ? undefined : t.acceptedAt - t.offeredAt)),
    offerToRunning: mean((t) => (t.runningAt === undefined ? undefined : t.runningAt - t.offeredAt)),
    runningToTerminal: mean((t) => (t.runningAt === undefined || t.terminalAt === undefined ? undefined : t.terminalAt - t.runningAt)),
    terminalToAcknowledged: stageCounts.terminalToAcknowledged === 0 ? Number.NaN : stageSums.terminalToAcknowledged / stageCounts.terminalToAcknowledged,
  };
  const elapsedMs = firstOfferAt === undefined || counts.lastDoneAt === undefined ? Number.NaN : counts.lastDoneAt - firstOfferAt;
  const launchSpanMs = firstLaunchAt === undefined || lastLaunchAt === undefined ? 0 : lastLaunchAt - firstLaunchAt;
  return {
    mode: options.mode,
    tasks: options.tasks,
    rate: options.rate,
    launched: counts.launched,
    finished: counts.finished,
    failed: counts.failed,
    failures,
    timedOut: timedOut || counts.finished + counts.failed < options.tasks,
    elapsedMs,
    tasksPerSecond: (counts.finished / elapsedMs) * 1000,
    launchRate: launchSpanMs > 0 ? ((counts.launched - 1) / launchSpanMs) * 1000 : Number.NaN,
    offersReceived: counts.offersReceived,
    acceptCalls: counts.acceptCalls,
    declinedOffers: counts.declinedOffers,
    offerToRunningMs: percentiles(latencies),
    stages,
  };
}
