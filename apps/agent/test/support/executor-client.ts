// An executor's side of the v1 executor API, as a test drives it: SUBSCRIBE and read the events, post calls.
import { randomUUID } from 'node:crypto';
import { encodeMesosJson, executor, parseMesosJson, TaskStatus_Source, type TaskState } from '@mesos-ts/proto';
import { decodeRecords } from '@mesos-ts/recordio';
import { request } from 'undici';

export interface Posted {
  readonly status: number;
  readonly body: string;
}

/** POSTs a raw body to the executor API. */
export async function postExecutorApi(base: string, body: string | Uint8Array, headers: Record<string, string> = { 'content-type': 'application/json' }, method = 'POST'): Promise<Posted> {
  const res = await request(`${base}/api/v1/executor`, { method: method as 'POST', headers, ...(method === 'GET' ? {} : { body }) });
  return { status: res.statusCode, body: await res.body.text() };
}

export class ExecutorClient {
  readonly events: executor.Event[] = [];
  #closed = false;
  #abort = new AbortController();
  #waiters: Array<() => void> = [];
  #done: Promise<void> | undefined;

  constructor(
    readonly base: string,
    readonly frameworkId: string,
    readonly executorId: string,
  ) {}

  /** Subscribes; resolves with the HTTP status once the response headers are in (events keep coming). */
  async subscribe(subscribe: executor.Call_Subscribe = {}): Promise<number> {
    const call: executor.Call = {
      type: executor.Call_Type.SUBSCRIBE,
      frameworkId: { value: this.frameworkId },
      executorId: { value: this.executorId },
      subscribe,
    };
    const res = await request(`${this.base}/api/v1/executor`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: encodeMesosJson('mesos.v1.executor.Call', call),
      signal: this.#abort.signal,
      bodyTimeout: 0,
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      return res.statusCode;
    }
    this.#done = (async () => {
      try {
        for await (const record of decodeRecords(res.body)) {
          const event = parseMesosJson('mesos.v1.executor.Event', record);
          if (!event.ok) throw event.error;
          this.events.push(event.value);
          for (const wake of this.#waiters.splice(0)) wake();
        }
      } catch {
        // aborted or the agent went away
      } finally {
        this.#closed = true;
        for (const wake of this.#waiters.splice(0)) wake();
      }
    })();
    return res.statusCode;
  }

  /** Whether the agent closed the stream. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Waits for the first event (from `from` on) of a type. */
  async next(type: executor.Event_Type, timeoutMs = 5_000, from = 0): Promise<executor.Event> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.slice(from).find((e) => e.type === type);
      if (found !== undefined) return found;
      if (this.#closed) throw new Error(`Stream closed before ${executor.Event_Type[type]}; got ${this.types().join(', ')}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`No ${executor.Event_Type[type]} within ${timeoutMs} ms; got ${this.types().join(', ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 50));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits until the agent has closed the stream. */
  async waitClosed(timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#closed) {
      if (Date.now() > deadline) throw new Error('The agent did not close the stream');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  types(): string[] {
    return this.events.map((e) => executor.Event_Type[e.type ?? 0] ?? String(e.type));
  }

  /** Posts a call with this executor's IDs. */
  async call(call: Omit<executor.Call, 'frameworkId' | 'executorId'>): Promise<Posted> {
    const full: executor.Call = { frameworkId: { value: this.frameworkId }, executorId: { value: this.executorId }, ...call };
    return postExecutorApi(this.base, encodeMesosJson('mesos.v1.executor.Call', full));
  }

  /** Sends an UPDATE for a task (source EXECUTOR, a new UUID unless given); returns the UUID and the answer. */
  async update(taskId: string, state: TaskState, uuid: Buffer = Buffer.from(randomUUID().replace(/-/g, ''), 'hex')): Promise<{ uuid: Buffer; posted: Posted }> {
    const posted = await this.call({
      type: executor.Call_Type.UPDATE,
      update: { status: { taskId: { value: taskId }, state, source: TaskStatus_Source.SOURCE_EXECUTOR, uuid } },
    });
    return { uuid, posted };
  }

  async close(): Promise<void> {
    this.#abort.abort();
    await this.#done;
  }
}
