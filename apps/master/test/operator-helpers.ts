/**
 * Helpers for the operator API tests: calls in JSON or protobuf, and a SUBSCRIBE stream reader.
 */
import { decodeProtobuf, encodeProtobuf, master, parseMesosJson } from '@mesos-ts/proto';
import { decodeRecords } from '@mesos-ts/recordio';
import { Waiters } from '../src/testing/waiters';

/** A raw answer. */
export interface RawAnswer {
  readonly status: number;
  readonly text: string;
  readonly bytes: Uint8Array;
  readonly headers: Headers;
}

/** POSTs a call body as given. */
export async function rawCall(url: string, body: string | Uint8Array, headers: Record<string, string>, path = '/api/v1', method = 'POST'): Promise<RawAnswer> {
  const res = await fetch(`${url}${path}`, { method, headers, ...(method === 'GET' || method === 'HEAD' ? {} : { body }) });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, text: Buffer.from(bytes).toString('utf8'), bytes, headers: res.headers };
}

/** A call in Mesos JSON (snake_case), answered in JSON. */
export async function jsonCall(url: string, call: Record<string, unknown>): Promise<{ status: number; text: string; json: any }> {
  const answer = await rawCall(url, JSON.stringify(call), { 'Content-Type': 'application/json', Accept: 'application/json' });
  let json: any;
  try {
    json = answer.text === '' ? undefined : JSON.parse(answer.text);
  } catch {
    json = undefined;
  }
  return { status: answer.status, text: answer.text, json };
}

/** A call in protobuf, answered in protobuf and decoded into a `master.Response` (or undefined for an empty body). */
export async function protoCall(url: string, call: master.Call): Promise<{ status: number; text: string; response: master.Response | undefined }> {
  const answer = await rawCall(url, encodeProtobuf('mesos.v1.master.Call', call), { 'Content-Type': 'application/x-protobuf', Accept: 'application/x-protobuf' });
  if (answer.status !== 200 || answer.bytes.byteLength === 0) return { status: answer.status, text: answer.text, response: undefined };
  expect(answer.headers.get('content-type')).toBe('application/x-protobuf');
  const decoded = decodeProtobuf('mesos.v1.master.Response', answer.bytes);
  if (!decoded.ok) throw decoded.error;
  return { status: answer.status, text: answer.text, response: decoded.value };
}

/** A JSON answer body parsed into a typed `master.Response`. */
export function parseResponse(text: string): master.Response {
  const parsed = parseMesosJson('mesos.v1.master.Response', text);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

/** An open SUBSCRIBE stream that collects decoded events. */
export class EventReader {
  readonly events: master.Event[] = [];
  ended = false;
  private readonly controller = new AbortController();
  private readonly waiters = new Waiters();
  status = 0;
  contentType: string | null = null;

  static async open(url: string, encoding: 'json' | 'protobuf' = 'json'): Promise<EventReader> {
    const reader = new EventReader();
    const type = encoding === 'json' ? 'application/json' : 'application/x-protobuf';
    const body = encoding === 'json' ? JSON.stringify({ type: 'SUBSCRIBE' }) : encodeProtobuf('mesos.v1.master.Call', { type: master.Call_Type.SUBSCRIBE });
    const res = await fetch(`${url}/api/v1`, { method: 'POST', headers: { 'Content-Type': type, Accept: type }, body, signal: reader.controller.signal });
    reader.status = res.status;
    reader.contentType = res.headers.get('content-type');
    void (async () => {
      try {
        for await (const record of decodeRecords(res.body as unknown as AsyncIterable<Uint8Array>)) {
          const event =
            encoding === 'json' ? parseMesosJson('mesos.v1.master.Event', Buffer.from(record).toString('utf8')) : decodeProtobuf('mesos.v1.master.Event', record);
          if (!event.ok) throw event.error;
          reader.events.push(event.value);
          reader.notify();
        }
      } catch {
        // aborted or closed
      }
      reader.ended = true;
      reader.notify();
    })();
    return reader;
  }

  /** Event types seen so far, heartbeats left out. */
  types(): string[] {
    return this.events.filter((e) => e.type !== master.Event_Type.HEARTBEAT).map((e) => master.Event_Type[e.type ?? 0] ?? '?');
  }

  /** Waits until `check` gives something other than undefined. */
  until<T>(check: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
    return this.waiters.until(check, timeoutMs, () => `Timed out waiting for ${what}; events: ${this.types().join(', ')}`);
  }

  /** The first event matching, waiting for it. */
  waitFor(predicate: (e: master.Event) => boolean, what = 'an event', timeoutMs = 5000): Promise<master.Event> {
    return this.until(() => this.events.find(predicate), what, timeoutMs);
  }

  private notify(): void {
    this.waiters.notify();
  }

  close(): void {
    this.controller.abort();
  }
}
