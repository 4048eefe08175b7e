/**
 * Test helpers: a scheduler built on @mesos-ts/client's SchedulerClient that records every event, raw HTTP calls
 * for the cases a client refuses to make, and a master started in-process.
 */
import { SchedulerClient, type Subscription } from '@mesos-ts/client';
import { FrameworkInfo_Capability_Type, scheduler, type FrameworkInfo, type Offer, type TaskInfo, type TaskStatus } from '@mesos-ts/proto';
import { decodeRecords } from '@mesos-ts/recordio';
import { Resources } from '@mesos-ts/resources';
import type { RunningMaster } from '../src/master';
import { FakeAgent, startTestMaster, type FakeAgentOptions, type TestMasterOptions } from '../src/testing';
import { Waiters } from '../src/testing/waiters';

/** A scheduler that records its events. */
export class TestFramework {
  readonly client: SchedulerClient;
  readonly events: scheduler.Event[] = [];
  /** Set when the event stream ended (normally or with an error). */
  ended = false;
  endError: unknown;
  private subscription: Subscription | undefined;
  private readonly waiters = new Waiters();

  constructor(master: string, info: Partial<FrameworkInfo> = {}, contentType: 'json' | 'protobuf' = 'json') {
    this.client = new SchedulerClient({ master, contentType, frameworkInfo: { user: 'tester', name: 'test-framework', ...info } });
  }

  get frameworkId(): string {
    return this.client.frameworkId?.value ?? '';
  }

  /** Subscribes and resolves with the framework ID once SUBSCRIBED (or rejects on ERROR / failure). */
  async subscribe(): Promise<string> {
    this.ended = false;
    const since = this.events.length;
    const subscription = this.client.subscribe();
    this.subscription = subscription;
    void (async () => {
      try {
        for await (const event of subscription) {
          this.events.push(event);
          this.notify();
        }
      } catch (e) {
        this.endError = e;
      }
      if (this.subscription === subscription) this.ended = true;
      this.notify();
    })();
    const first = await this.until(() => this.events.slice(since).find((e) => e.type === scheduler.Event_Type.SUBSCRIBED || e.type === scheduler.Event_Type.ERROR) ?? (this.ended ? null : undefined), 'SUBSCRIBED');
    if (first === null) throw new Error(`Subscription ended: ${String(this.endError)}`);
    if (first.type === scheduler.Event_Type.ERROR) throw new Error(`ERROR: ${first.error?.message ?? ''}`);
    return first.subscribed?.frameworkId?.value ?? '';
  }

  /** The first event from `since` matching, waiting for it. */
  waitFor(predicate: (e: scheduler.Event) => boolean, since = 0, timeoutMs = 4000): Promise<scheduler.Event> {
    return this.until(() => this.events.slice(since).find(predicate), 'an event', timeoutMs);
  }

  /** The next OFFERS event after `since`. */
  async offers(since = 0): Promise<Offer[]> {
    const event = await this.waitFor((e) => e.type === scheduler.Event_Type.OFFERS, since);
    return event.offers?.offers ?? [];
  }

  /** The first UPDATE for a task in a state, from `since`. */
  async update(taskId: string, state?: number, since = 0): Promise<TaskStatus> {
    const event = await this.waitFor((e) => e.type === scheduler.Event_Type.UPDATE && e.update?.status?.taskId?.value === taskId && (state === undefined || e.update.status.state === state), since);
    return event.update!.status!;
  }

  /** Waits until `check` gives something other than undefined. */
  until<T>(check: () => T | undefined, what: string, timeoutMs = 4000): Promise<T> {
    return this.waiters.until(check, timeoutMs, () => `Timed out waiting for ${what}; events: ${this.events.map((e) => scheduler.Event_Type[e.type ?? 0]).join(', ')}`);
  }

  private notify(): void {
    this.waiters.notify();
  }

  /** Closes the event stream (the master sees the framework disconnect). */
  close(): void {
    this.subscription?.close();
  }
}

/** A command task on the offer's agent. */
export function commandTask(offer: Offer, id: string, resources = 'cpus:1;mem:128'): TaskInfo {
  return { name: id, taskId: { value: id }, agentId: offer.agentId!, resources: Resources.mustParse(resources).toProto(), command: { value: 'true' } };
}

/** Capabilities as FrameworkInfo wants them. */
export function caps(...names: (keyof typeof FrameworkInfo_Capability_Type)[]): FrameworkInfo['capabilities'] {
  return names.map((n) => ({ type: FrameworkInfo_Capability_Type[n] }));
}

/** POSTs a raw body to a master path. */
export async function post(url: string, body: string | Uint8Array, headers: Record<string, string>, path = '/api/v1/scheduler'): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers, body });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

/** A raw JSON SUBSCRIBE: every event until the master closes the stream (or `max` events). */
export async function subscribeRaw(url: string, frameworkInfo: Record<string, unknown>, max = 10): Promise<Record<string, any>[]> {
  const res = await fetch(`${url}/api/v1/scheduler`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: frameworkInfo }, ...(frameworkInfo['id'] === undefined ? {} : { framework_id: frameworkInfo['id'] }) }),
  });
  const events: Record<string, any>[] = [];
  for await (const record of decodeRecords(res.body as unknown as AsyncIterable<Uint8Array>)) {
    events.push(JSON.parse(Buffer.from(record).toString('utf8')) as Record<string, any>);
    if (events.length >= max) break;
  }
  return events;
}

/** GET /master/state as JSON. */
export async function state(url: string): Promise<Record<string, any>> {
  const res = await fetch(`${url}/master/state`);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, any>;
}

/** A master plus fake agents, stopped together. */
export interface Cluster {
  readonly master: RunningMaster;
  readonly url: string;
  readonly agents: FakeAgent[];
  addAgent(options?: Partial<FakeAgentOptions>): Promise<FakeAgent>;
  stop(): Promise<void>;
}

/** Starts a master (100 ms allocation interval) and `agents` fake agents. */
export async function cluster(agents = 1, argv: readonly string[] = [], options: TestMasterOptions & { agent?: Partial<FakeAgentOptions> } = {}): Promise<Cluster> {
  const master = await startTestMaster(['--allocation_interval=100ms', ...argv], options);
  const url = `http://127.0.0.1:${master.address.port}`;
  const list: FakeAgent[] = [];
  const frameworks: TestFramework[] = [];
  const addAgent = async (extra: Partial<FakeAgentOptions> = {}): Promise<FakeAgent> => {
    const agent = await FakeAgent.start({ master: url, ...options.agent, ...extra });
    list.push(agent);
    return agent;
  };
  for (let i = 0; i < agents; i++) await addAgent();
  return {
    master,
    url,
    agents: list,
    addAgent,
    stop: async () => {
      for (const f of frameworks) f.close();
      await Promise.all(list.map((a) => a.stop()));
      await master.stop();
    },
  };
}

/** Sleeps. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
