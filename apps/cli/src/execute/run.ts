import { SchedulerClient, isSchedulerError, type Subscription } from '@mesos-ts/client';
import { Offer_Operation_Type, TaskState, scheduler, type AgentID, type ExecutorInfo, type Offer, type Offer_Operation, type Resource, type TaskInfo, type TaskStatus } from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import { formatIdList, formatStatusUpdate, isTerminalState } from './format';
import { fitOffer } from './offers';
import type { ExecutePlan } from './plan';
import { OfferProgress, type ProgressOutput } from './progress';

/** Where `mesos execute` talks to the person running it, and how it is interrupted. */
export interface ExecuteIo {
  /** One line of the run's story (stdout): subscribed, submitted, status updates. */
  out(line: string): void;
  /** One line about a problem or an interruption (stderr). */
  err(line: string): void;
  /** Where the "waiting for offers" progress goes (stderr); none when absent. */
  readonly progress?: ProgressOutput | undefined;
  /** Aborted on the first Ctrl-C: kill the task(s), wait for them to end, tear down. */
  readonly interrupt?: AbortSignal | undefined;
  /** Aborted on the second Ctrl-C: stop waiting, tear down now. */
  readonly forceQuit?: AbortSignal | undefined;
  /** How long to wait for killed tasks to end after an interruption before tearing down anyway. Default 30 s. */
  readonly killGraceMs?: number | undefined;
  /** `refuse_seconds` of the filter on declined offers while waiting for one that fits. Default 1 s. */
  readonly declineRefuseSeconds?: number | undefined;
}

interface TrackedTask {
  readonly info: TaskInfo;
  agentId: AgentID | undefined;
  state: TaskState | undefined;
  killTimer: NodeJS.Timeout | undefined;
}

/** Declined offers stay away this long once the task is launched (we also SUPPRESS). */
const REFUSE_AFTER_LAUNCH_SECONDS = 3600;

/** One line, not too long: master error bodies can be pages of HTML. */
function oneLine(text: string, max = 400): string {
  const line = text.replace(/\s*\n\s*/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 3)}...` : line;
}

/**
 * The innermost useful message of a connection error (undici wraps it; dual-stack connects aggregate it). Duck
 * typed: errors from another realm (Node's internals under a test runner's VM) fail `instanceof Error`.
 */
function causeText(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const e = error as { message?: unknown; code?: unknown; name?: unknown; errors?: unknown; cause?: unknown };
  if (Array.isArray(e.errors) && e.errors.length > 0) return causeText(e.errors[0]);
  if (e.cause !== undefined && e.message === 'fetch failed') return causeText(e.cause);
  if (typeof e.message === 'string' && e.message !== '') return e.message;
  if (typeof e.code === 'string') return e.code;
  return typeof e.name === 'string' ? e.name : String(error);
}

/**
 * Runs the scheduler of `mesos execute`: subscribe, launch the task (or task group) on the first offer that fits
 * (declining the others), print and acknowledge every status update, kill after `killAfterMs` if asked, and tear
 * the framework down once every task is terminal.
 *
 * @returns the exit code: 0 when every task ended TASK_FINISHED, 1 otherwise (including a master that cannot be
 *   reached, an ERROR event or a rejected launch, each reported as one line on `io.err`).
 */
export async function runExecute(plan: ExecutePlan, io: ExecuteIo): Promise<number> {
  return new ExecuteSession(plan, io).run();
}

class ExecuteSession {
  readonly #plan: ExecutePlan;
  readonly #io: ExecuteIo;
  readonly #client: SchedulerClient;
  readonly #tasks = new Map<string, TrackedTask>();
  readonly #demands: Resources[];
  readonly #progress: OfferProgress;
  readonly #host: string;
  #subscription: Subscription | undefined;
  #executor: ExecutorInfo | undefined;
  #subscribed = false;
  #launched = false;
  #suppressed = false;
  /** No more launching: interrupted, or failed. */
  #stopping = false;
  /** The run is over; what follows is teardown. Errors of the event stream no longer matter. */
  #finished = false;
  /** Whether the framework still exists on the master and should be torn down. */
  #needsTeardown = false;
  #tornDown: Promise<void> | undefined;
  #exitCode = 1;
  #graceTimer: NodeJS.Timeout | undefined;

  constructor(plan: ExecutePlan, io: ExecuteIo) {
    this.#plan = plan;
    this.#io = io;
    this.#host = new URL(plan.master).host;
    this.#client = new SchedulerClient({ master: plan.master, contentType: plan.contentType, frameworkInfo: plan.frameworkInfo });
    const launch = plan.launch;
    const infos = launch.kind === 'task' ? [launch.task] : launch.tasks;
    for (const info of infos) this.#tasks.set(info.taskId?.value ?? '', { info, agentId: undefined, state: undefined, killTimer: undefined });
    this.#demands = infos.map((t) => Resources.fromProto(t.resources ?? [])).map((r) => (r.ok ? r.value : Resources.EMPTY));
    if (launch.kind === 'group') {
      this.#executor = launch.executor;
      const executorResources = Resources.fromProto(launch.executor.resources ?? []);
      this.#demands.push(executorResources.ok ? executorResources.value : Resources.EMPTY);
    }
    this.#progress = new OfferProgress(io.progress ?? { write: () => undefined }, Resources.sum(this.#demands).toString());
  }

  async run(): Promise<number> {
    const onInterrupt = (): void => this.#interrupted();
    const onForce = (): void => this.#forced();
    this.#io.interrupt?.addEventListener('abort', onInterrupt, { once: true });
    this.#io.forceQuit?.addEventListener('abort', onForce, { once: true });
    try {
      this.#subscription = this.#client.subscribe();
      if (this.#io.interrupt?.aborted === true) this.#interrupted();
      for await (const event of this.#subscription) {
        await this.#handle(event);
        if (this.#finished) {
          // TEARDOWN while the stream is open: the master may forget a disconnected framework at once.
          await this.#teardown();
          break;
        }
      }
      if (!this.#finished) {
        this.#needsTeardown = false;
        this.#fail(`the master at ${this.#host} closed the connection`);
      }
    } catch (error) {
      // After we decided to stop (teardown makes the master close the stream), a broken stream is expected.
      if (!this.#finished) {
        this.#needsTeardown = false;
        this.#fail(this.#describe(error));
      }
    } finally {
      this.#progress.stop();
      this.#io.interrupt?.removeEventListener('abort', onInterrupt);
      this.#io.forceQuit?.removeEventListener('abort', onForce);
      if (this.#graceTimer !== undefined) clearTimeout(this.#graceTimer);
      for (const task of this.#tasks.values()) if (task.killTimer !== undefined) clearTimeout(task.killTimer);
    }
    await this.#teardown();
    this.#client.close();
    return this.#exitCode;
  }

  #describe(error: unknown): string {
    if (isSchedulerError(error)) {
      if (error.kind === 'DISCONNECTED') {
        const why = oneLine(causeText(error.cause ?? error));
        return this.#subscribed ? `lost the connection to the master at ${this.#host}: ${why}` : `cannot reach the master at ${this.#host}: ${why}`;
      }
      if (error.kind === 'HTTP_STATUS') return `the master at ${this.#host} refused: ${oneLine(error.message)}`;
      return oneLine(error.message);
    }
    return oneLine(error instanceof Error ? error.message : String(error));
  }

  /** Ends the run with a failure, reported as one line. */
  #fail(message: string): void {
    this.#io.err(`mesos execute: ${message}`);
    this.#exitCode = 1;
    this.#stopping = true;
    this.#finished = true;
  }

  async #handle(event: scheduler.Event): Promise<void> {
    switch (event.type) {
      case scheduler.Event_Type.SUBSCRIBED: {
        const id = event.subscribed?.frameworkId;
        this.#subscribed = true;
        this.#needsTeardown = true;
        this.#io.out(`Subscribed with ID ${id?.value ?? ''}`);
        if (this.#executor !== undefined && id !== undefined) this.#executor = { ...this.#executor, frameworkId: id };
        if (!this.#launched && !this.#stopping) this.#progress.start();
        return;
      }
      case scheduler.Event_Type.OFFERS:
        return this.#offers(event.offers?.offers ?? []);
      case scheduler.Event_Type.UPDATE:
        if (event.update?.status !== undefined) await this.#update(event.update.status);
        return;
      case scheduler.Event_Type.ERROR:
        // The master has removed the framework: nothing to tear down.
        this.#needsTeardown = false;
        this.#fail(`Received an ERROR event: ${event.error?.message ?? ''}`);
        return;
      case scheduler.Event_Type.FAILURE: {
        const failure = event.failure;
        const agent = failure?.agentId?.value ?? '';
        if (failure?.executorId !== undefined) {
          this.#io.out(`Executor '${failure.executorId.value ?? ''}' on agent '${agent}' terminated${failure.status === undefined ? '' : ` with status ${failure.status}`}`);
        } else {
          this.#io.out(`Agent '${agent}' failed`);
        }
        return;
      }
      default:
        // HEARTBEAT, RESCIND (nothing to undo: we accept at once), inverse offers, operation updates, MESSAGE.
        return;
    }
  }

  async #offers(offers: readonly Offer[]): Promise<void> {
    const declined: NonNullable<Offer['id']>[] = [];
    for (const offer of offers) {
      if (offer.id === undefined) continue;
      if (!this.#launched && !this.#stopping) {
        const fit = fitOffer(offer, this.#demands, this.#plan.frameworkInfo.role ?? '*');
        if (fit.fits) {
          await this.#launch(offer, fit.resources);
          continue;
        }
        this.#progress.declined(fit.reason);
      }
      declined.push(offer.id);
    }
    if (this.#finished) return;
    try {
      if (declined.length > 0) {
        const refuseSeconds = this.#launched ? REFUSE_AFTER_LAUNCH_SECONDS : (this.#io.declineRefuseSeconds ?? 1);
        await this.#client.decline(declined, { refuseSeconds });
      }
      // One task is all we run: no more offers once it is out.
      if (this.#launched && !this.#suppressed) {
        this.#suppressed = true;
        await this.#client.suppress();
      }
    } catch (error) {
      this.#io.err(`mesos execute: ${this.#describe(error)}`);
    }
  }

  async #launch(offer: Offer, resources: readonly Resource[][]): Promise<void> {
    const launch = this.#plan.launch;
    const agentId = offer.agentId;
    const agent = agentId?.value ?? '';
    let operation: Offer_Operation;
    const placed = (info: TaskInfo, i: number): TaskInfo => {
      const task: TaskInfo = { ...info, resources: resources[i] ?? [] };
      if (agentId !== undefined) task.agentId = agentId;
      return task;
    };
    if (launch.kind === 'task') {
      operation = { type: Offer_Operation_Type.LAUNCH, launch: { taskInfos: [placed(launch.task, 0)] } };
    } else {
      const executor: ExecutorInfo = { ...this.#executor, resources: resources[launch.tasks.length] ?? [] };
      operation = { type: Offer_Operation_Type.LAUNCH_GROUP, launchGroup: { executor, taskGroup: { tasks: launch.tasks.map(placed) } } };
    }
    this.#launched = true;
    this.#progress.stop();
    for (const task of this.#tasks.values()) task.agentId = agentId;
    try {
      await this.#client.accept([offer.id!], [operation]);
    } catch (error) {
      this.#fail(`launching on agent '${agent}' failed: ${this.#describe(error)}`);
      return;
    }
    if (launch.kind === 'task') this.#io.out(`Submitted task '${launch.task.name ?? ''}' to agent '${agent}'`);
    else this.#io.out(`Submitted task group with tasks ${formatIdList([...this.#tasks.keys()])} to agent '${agent}'`);
  }

  async #update(status: TaskStatus): Promise<void> {
    for (const line of formatStatusUpdate(status)) this.#io.out(line);
    const task = this.#tasks.get(status.taskId?.value ?? '');
    if (task !== undefined) {
      task.state = status.state;
      if (status.agentId !== undefined) task.agentId = status.agentId;
    }
    try {
      await this.#client.acknowledge(status);
    } catch (error) {
      this.#io.err(`mesos execute: acknowledging the update failed: ${this.#describe(error)}`);
    }
    if (task === undefined) return;
    const killAfter = this.#plan.killAfterMs;
    if (status.state === TaskState.TASK_RUNNING && killAfter !== undefined && task.killTimer === undefined && !this.#stopping) {
      task.killTimer = setTimeout(() => this.#kill(task), killAfter);
    }
    if (isTerminalState(status.state)) {
      if (task.killTimer !== undefined) clearTimeout(task.killTimer);
      const all = [...this.#tasks.values()];
      if (all.every((t) => isTerminalState(t.state))) {
        this.#exitCode = all.every((t) => t.state === TaskState.TASK_FINISHED) ? 0 : 1;
        this.#finished = true;
      }
    }
  }

  #kill(task: TrackedTask): void {
    if (isTerminalState(task.state) || this.#finished) return;
    const id = task.info.taskId?.value ?? '';
    this.#io.out(`Asked to kill task '${id}' on agent '${task.agentId?.value ?? ''}'`);
    this.#client.kill(id, task.agentId).catch((error: unknown) => this.#io.err(`mesos execute: killing task '${id}' failed: ${this.#describe(error)}`));
  }

  /** First Ctrl-C: before the launch, just leave; after it, kill and wait (a while) for the tasks to end. */
  #interrupted(): void {
    if (this.#finished || this.#stopping) return;
    this.#stopping = true;
    this.#progress.stop();
    if (!this.#launched) {
      this.#io.err('Interrupted before the launch; tearing down the framework');
      this.#stopNow();
      return;
    }
    const grace = this.#io.killGraceMs ?? 30_000;
    this.#io.err(`Interrupted: killing the task${this.#tasks.size === 1 ? '' : 's'} (Ctrl-C again to stop waiting)`);
    for (const task of this.#tasks.values()) this.#kill(task);
    this.#graceTimer = setTimeout(() => {
      this.#io.err(`No terminal update after ${Math.round(grace / 1000)}s; tearing down the framework`);
      this.#stopNow();
    }, grace);
  }

  /** Second Ctrl-C: tear down now (the master kills what is left). */
  #forced(): void {
    if (this.#finished) return;
    this.#io.err('Not waiting any longer; tearing down the framework');
    this.#stopNow();
  }

  #stopNow(): void {
    this.#stopping = true;
    this.#finished = true;
    this.#exitCode = 1;
    // As at the end of a run: TEARDOWN first, then close the stream.
    void this.#teardown().finally(() => this.#subscription?.close());
  }

  #teardown(): Promise<void> {
    if (!this.#needsTeardown) return Promise.resolve();
    this.#tornDown ??= this.#client.teardown().catch((error: unknown) => {
      this.#io.err(`mesos execute: tearing down the framework failed: ${this.#describe(error)}`);
    });
    return this.#tornDown;
  }
}
