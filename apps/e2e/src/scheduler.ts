/**
 * A scheduler for end-to-end tests, on @mesos-ts/client's SchedulerClient: it consumes the event stream in the
 * background, keeps the offers it is given and every status update, acknowledges updates (unless told not to),
 * and lets a test wait for what it expects.
 */
import { SchedulerClient, type SchedulerClientOptions, type Subscription } from '@mesos-ts/client';
import { scheduler, TaskState, Value_Type, isTerminalState, type FrameworkInfo, type Offer, type TaskInfo, type TaskStatus } from '@mesos-ts/proto';
import { eventually } from './cluster';

export interface TestSchedulerOptions {
  readonly masterUrl: string;
  readonly framework?: Partial<FrameworkInfo>;
  readonly contentType?: 'json' | 'protobuf';
  /** Acknowledge every update that carries a uuid (default true). */
  readonly autoAcknowledge?: boolean;
}

/** The name of a task state, e.g. `TASK_FINISHED`. */
export function stateName(state: TaskState | undefined): string {
  return TaskState[state ?? TaskState.TASK_STAGING] ?? String(state);
}

export class TestScheduler {
  readonly client: SchedulerClient;
  readonly events: scheduler.Event[] = [];
  readonly updates: TaskStatus[] = [];
  /** Offers received and not yet taken with {@link takeOffers} or rescinded. */
  readonly offers = new Map<string, Offer>();
  readonly acknowledged: TaskStatus[] = [];
  private subscription: Subscription | undefined;
  private loop: Promise<void> | undefined;
  private failure: unknown;
  private readonly autoAck: boolean;

  constructor(options: TestSchedulerOptions) {
    this.autoAck = options.autoAcknowledge ?? true;
    const clientOptions: SchedulerClientOptions = {
      master: options.masterUrl,
      contentType: options.contentType ?? 'json',
      frameworkInfo: { user: 'root', name: 'e2e', ...options.framework },
    };
    this.client = new SchedulerClient(clientOptions);
  }

  /** Subscribes and resolves once SUBSCRIBED arrived. */
  async subscribe(): Promise<string> {
    this.subscription = this.client.subscribe();
    const subscription = this.subscription;
    this.loop = (async () => {
      try {
        for await (const event of subscription) await this.handle(event);
      } catch (e) {
        this.failure = e;
      }
    })();
    const subscribed = await this.waitFor('SUBSCRIBED', (e) => e.type === scheduler.Event_Type.SUBSCRIBED);
    return subscribed.subscribed?.frameworkId?.value ?? '';
  }

  get frameworkId(): string {
    return this.client.frameworkId?.value ?? '';
  }

  private async handle(event: scheduler.Event): Promise<void> {
    this.events.push(event);
    switch (event.type) {
      case scheduler.Event_Type.OFFERS:
        for (const offer of event.offers?.offers ?? []) this.offers.set(offer.id?.value ?? '', offer);
        break;
      case scheduler.Event_Type.RESCIND:
        this.offers.delete(event.rescind?.offerId?.value ?? '');
        break;
      case scheduler.Event_Type.UPDATE: {
        const status = event.update?.status;
        if (status === undefined) break;
        this.updates.push(status);
        if (this.autoAck && status.uuid !== undefined && status.uuid.length > 0) {
          await this.client.acknowledge(status);
          this.acknowledged.push(status);
        }
        break;
      }
      default:
        break;
    }
  }

  /** Waits for an event matching `match` (already received or to come). */
  waitFor(what: string, match: (e: scheduler.Event) => boolean, timeoutMs = 20_000): Promise<scheduler.Event> {
    return eventually(
      what,
      () => {
        if (this.failure !== undefined) throw this.failure;
        return this.events.find(match);
      },
      timeoutMs,
    );
  }

  /** Waits until at least one offer is held, then takes all held offers. */
  async takeOffers(timeoutMs = 20_000): Promise<Offer[]> {
    await eventually('an offer', () => (this.offers.size > 0 ? true : undefined), timeoutMs);
    const taken = [...this.offers.values()];
    this.offers.clear();
    return taken;
  }

  /** The updates of one task, in order. */
  updatesOf(taskId: string): TaskStatus[] {
    return this.updates.filter((s) => s.taskId?.value === taskId);
  }

  /** Waits for an update of `taskId` in `state` and returns it. */
  waitForState(taskId: string, state: TaskState, timeoutMs = 30_000): Promise<TaskStatus> {
    return eventually(
      `${taskId} to reach ${stateName(state)}`,
      () => {
        if (this.failure !== undefined) throw this.failure;
        return this.updates.find((s) => s.taskId?.value === taskId && s.state === state);
      },
      timeoutMs,
    );
  }

  /** Waits for a terminal update of `taskId`. */
  waitForTerminal(taskId: string, timeoutMs = 30_000): Promise<TaskStatus> {
    return eventually(
      `${taskId} to end`,
      () => {
        if (this.failure !== undefined) throw this.failure;
        return this.updates.find((s) => s.taskId?.value === taskId && isTerminal(s.state));
      },
      timeoutMs,
    );
  }

  /** Launches `tasks` on `offer` (each given the offer's agent ID). */
  async launch(offer: Offer, tasks: readonly TaskInfo[]): Promise<void> {
    await this.client.launch(offer, tasks, { refuseSeconds: 0.1 });
  }

  /** Closes the subscription (the master sees the framework disconnect). */
  async close(): Promise<void> {
    this.subscription?.close();
    this.client.close();
    await this.loop;
  }
}

/** Re-exported for the tests: Mesos's `isTerminalState`. */
export const isTerminal = isTerminalState;

/** A command task taking `cpus`/`mem` from `offer`. */
export function commandTask(offer: Offer, id: string, command: string, cpus = 0.1, mem = 32, extra: Partial<TaskInfo> = {}): TaskInfo {
  return {
    name: id,
    taskId: { value: id },
    agentId: offer.agentId ?? { value: '' },
    resources: [
      { name: 'cpus', type: Value_Type.SCALAR, scalar: { value: cpus } },
      { name: 'mem', type: Value_Type.SCALAR, scalar: { value: mem } },
    ].map((r) => withRole(r, offer)),
    command: { value: command, shell: true },
    ...extra,
  };
}

/** Gives a resource the offer's allocation info (a MULTI_ROLE framework must say which role it uses). */
function withRole<R extends object>(resource: R, offer: Offer): R {
  const role = offer.allocationInfo?.role;
  return role === undefined ? resource : { ...resource, allocationInfo: { role } };
}
