import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { decodeMesosJson, decodeProtobuf, scheduler } from '@mesos-ts/proto';
import { RecordIODecoder, decodeRecords } from '@mesos-ts/recordio';
import { randomUUID } from 'node:crypto';
import {
  createEventStream,
  decodeRequest,
  negotiateRequest,
  negotiateResponse,
  readBody,
  writeAccepted,
  writeError,
  type EventStream,
  type EventStreamOptions,
} from '../src/index';
import { RawClient } from './raw-client';

const SUBSCRIBE = JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'alice', name: 'hello' } } });
const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

/** The handler of examples/subscribe-server.ts (Master::Http::scheduler's order of checks). */
function createSchedulerServer(heartbeatMs: number): Server {
  return createServer(async (req, res) => {
    const request = negotiateRequest(req.method ?? '', req.headers, 'scheduler');
    if (!request.ok) return writeError(res, request.error);
    const body = await readBody(req);
    if (!body.ok) return writeError(res, body.error);
    const call = decodeRequest('mesos.v1.scheduler.Call', body.value, request.value.contentType);
    if (!call.ok) return writeError(res, call.error);
    if (call.value.type !== scheduler.Call_Type.SUBSCRIBE) return writeAccepted(res);
    const response = negotiateResponse(req.headers, 'scheduler');
    if (!response.ok) return writeError(res, response.error);
    const stream = createEventStream(res, {
      typeName: 'mesos.v1.scheduler.Event',
      contentType: response.value.messageEncoding,
      headers: { 'Mesos-Stream-Id': randomUUID() },
    });
    stream.send({ type: scheduler.Event_Type.SUBSCRIBED, subscribed: { frameworkId: { value: 'framework-1' } } });
    stream.startHeartbeat({ intervalMs: heartbeatMs, delayMs: 0, message: { type: scheduler.Event_Type.HEARTBEAT } });
  });
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('a scheduler endpoint built from the pieces (negotiation over real HTTP)', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createSchedulerServer(10_000);
    port = await listen(server);
  });
  afterAll(() => stop(server));

  const post = async (headers: Record<string, string>, body: string | Uint8Array, method = 'POST') =>
    (await RawClient.request(port, method, '/api/v1/scheduler', headers, body)).text();

  it('405 with Allow: POST and libprocess body for GET', async () => {
    const r = await post({}, '', 'GET');
    expect(r.status).toBe(405);
    expect(r.headers['allow']).toBe('POST');
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(r.body).toBe("405 Method Not Allowed. Expecting one of { 'POST' }, but received 'GET'.");
  });

  it('400 without Content-Type, 415 for another', async () => {
    expect(await post({}, SUBSCRIBE)).toMatchObject({ status: 400, body: "Expecting 'Content-Type' to be present" });
    expect(await post({ 'Content-Type': 'application/json; charset=utf-8' }, SUBSCRIBE)).toMatchObject({
      status: 415,
      body: "Expecting 'Content-Type' of application/json or application/x-protobuf",
    });
  });

  it('400 for a bad body, before a bad Accept (Mesos order)', async () => {
    const r = await post({ 'Content-Type': 'application/json', Accept: 'text/html' }, '{"type":');
    expect(r.status).toBe(400);
    expect(r.body).toMatch(/^Failed to parse body into JSON: /);
    expect(await post({ 'Content-Type': 'application/json' }, '{"type":"SUBSCRIBE","subscribe":7}')).toMatchObject({
      status: 400,
      body: expect.stringMatching(/^Failed to convert JSON into Call protobuf: subscribe: /),
    });
    expect(await post({ 'Content-Type': 'application/x-protobuf' }, Uint8Array.of(0xff, 0xff))).toMatchObject({
      status: 400,
      body: expect.stringMatching(/^Failed to parse body into Call protobuf: /),
    });
  });

  it('406 for SUBSCRIBE with an unacceptable Accept; 202 for other calls whatever Accept says', async () => {
    expect(await post({ 'Content-Type': 'application/json', Accept: 'text/html' }, SUBSCRIBE)).toMatchObject({
      status: 406,
      body: "Expecting 'Accept' to allow 'application/x-protobuf' or 'application/json'",
    });
    expect(await post({ 'Content-Type': 'application/json', Accept: 'text/html' }, '{"type":"REVIVE"}')).toMatchObject({ status: 202, body: '' });
  });

  it('streams SUBSCRIBED then HEARTBEAT to fetch, Content-Type being the message type', async () => {
    const controller = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/scheduler`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/*' },
      body: SUBSCRIBE,
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('mesos-stream-id')).toMatch(/^[0-9a-f-]{36}$/);
    const types: string[] = [];
    for await (const record of decodeRecords(res.body!)) {
      types.push((JSON.parse(text(record)) as { type: string }).type);
      if (types.length === 2) break;
    }
    controller.abort();
    expect(types).toEqual(['SUBSCRIBED', 'HEARTBEAT']);
  });
});

/** A server whose only handler opens an event stream and hands it to the test. */
function streamServer(options: Partial<EventStreamOptions<'mesos.v1.scheduler.Event'>> = {}) {
  const streams: Array<EventStream<'mesos.v1.scheduler.Event'>> = [];
  let onStream: (() => void) | undefined;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void readBody(req).then(() => {
      const protobuf = req.headers.accept === 'application/x-protobuf';
      streams.push(
        createEventStream(res, {
          typeName: 'mesos.v1.scheduler.Event',
          contentType: protobuf ? 'protobuf' : 'json',
          headers: { 'Mesos-Stream-Id': 'stream-1' },
          ...options,
        }),
      );
      onStream?.();
    });
  });
  const nextStream = async (): Promise<EventStream<'mesos.v1.scheduler.Event'>> => {
    const have = streams.length;
    while (streams.length === have) await new Promise<void>((resolve) => (onStream = resolve));
    return streams[streams.length - 1]!;
  };
  return { server, nextStream };
}

const update = (i: number): scheduler.Event => ({
  type: scheduler.Event_Type.MESSAGE,
  message: { agentId: { value: 'agent-1' }, executorId: { value: 'e' }, data: Buffer.from(`event ${i}`) },
});

describe('createEventStream', () => {
  let server: Server;
  let port: number;
  let nextStream: () => Promise<EventStream<'mesos.v1.scheduler.Event'>>;
  const setup = async (options: Partial<EventStreamOptions<'mesos.v1.scheduler.Event'>> = {}): Promise<void> => {
    ({ server, nextStream } = streamServer(options));
    port = await listen(server);
  };
  afterEach(() => stop(server));

  const subscribe = (accept = 'application/json') =>
    RawClient.request(port, 'POST', '/api/v1/scheduler', { 'Content-Type': 'application/json', Accept: accept }, SUBSCRIBE);

  it('sends N events and heartbeats, one RecordIO record per HTTP chunk, with Mesos headers', async () => {
    await setup({ heartbeat: { intervalMs: 20, message: { type: scheduler.Event_Type.HEARTBEAT } } });
    const client = await subscribe();
    const stream = await nextStream();
    const head = await client.until(() => true);
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toBe('application/json');
    expect(head.headers['transfer-encoding']).toBe('chunked');
    expect(head.headers['mesos-stream-id']).toBe('stream-1');
    expect(head.headers['content-length']).toBeUndefined();

    const N = 25;
    for (let i = 0; i < N; i++) expect(stream.send(update(i))).toBe(true);
    const r = await client.until((x) => x.chunks.filter((c) => c.includes('HEARTBEAT')).length >= 2 && x.chunks.length >= N + 2);

    const events: Array<{ type: string; message?: { data: string } }> = [];
    for (const chunk of r.chunks) {
      // Each chunk is exactly one whole record.
      const decoder = new RecordIODecoder();
      const records = decoder.push(chunk);
      decoder.end();
      expect(records).toHaveLength(1);
      events.push(JSON.parse(text(records[0]!)));
    }
    const messages = events.filter((e) => e.type === 'MESSAGE');
    expect(messages.map((e) => Buffer.from(e.message!.data, 'base64').toString())).toEqual(Array.from({ length: N }, (_, i) => `event ${i}`));
    expect(events.filter((e) => e.type === 'HEARTBEAT').length).toBeGreaterThanOrEqual(2);
    expect(events.every((e) => e.type === 'MESSAGE' || e.type === 'HEARTBEAT')).toBe(true);

    stream.close();
    const done = await client.until((x) => x.ended);
    expect(done.ended).toBe(true);
    expect(await stream.closed).toEqual({ reason: 'server' });
    expect(stream.send(update(99))).toBe(false);
    client.destroy();
  });

  it('encodes events as protobuf when negotiated, decodable by @mesos-ts/recordio + decodeProtobuf', async () => {
    await setup();
    const client = await subscribe('application/x-protobuf');
    const stream = await nextStream();
    stream.send({ type: scheduler.Event_Type.SUBSCRIBED, subscribed: { frameworkId: { value: 'f1' }, heartbeatIntervalSeconds: 15 } });
    stream.send({ type: scheduler.Event_Type.HEARTBEAT });
    const r = await client.until((x) => x.chunks.length === 2);
    expect(r.headers['content-type']).toBe('application/x-protobuf');
    const decoded = new RecordIODecoder().push(Buffer.concat(r.chunks)).map((b) => decodeProtobuf('mesos.v1.scheduler.Event', b));
    expect(decoded).toEqual([
      { ok: true, value: { type: scheduler.Event_Type.SUBSCRIBED, subscribed: { frameworkId: { value: 'f1' }, heartbeatIntervalSeconds: 15 } } },
      { ok: true, value: { type: scheduler.Event_Type.HEARTBEAT } },
    ]);
    client.destroy();
  });

  it('answers the agent way with recordio: true (Content-Type application/recordio + Message-Content-Type)', async () => {
    await setup({ recordio: true });
    const client = await subscribe();
    const stream = await nextStream();
    stream.sendSerialized('{"type":"HEARTBEAT"}');
    const r = await client.until((x) => x.chunks.length === 1);
    expect(r.headers['content-type']).toBe('application/recordio');
    expect(r.headers['message-content-type']).toBe('application/json');
    expect(text(r.chunks[0]!)).toBe('20\n{"type":"HEARTBEAT"}');
    const decoded = decodeMesosJson('mesos.v1.scheduler.Event', JSON.parse(text(new RecordIODecoder().push(r.chunks[0]!)[0]!)));
    expect(decoded).toEqual({ ok: true, value: { type: scheduler.Event_Type.HEARTBEAT } });
    client.destroy();
  });

  it('notices the client going away: closed resolves with "client", send returns false, heartbeats stop', async () => {
    await setup({ heartbeat: { intervalMs: 10, message: { type: scheduler.Event_Type.HEARTBEAT } } });
    const client = await subscribe();
    const stream = await nextStream();
    await client.until((x) => x.chunks.length >= 1);
    const seen: string[] = [];
    stream.onClosed(({ reason }) => seen.push(reason));
    client.destroy();
    expect(await stream.closed).toEqual({ reason: 'client' });
    expect(seen).toEqual(['client']);
    expect(stream.isClosed).toBe(true);
    expect(stream.send(update(1))).toBe(false);
    let late: string | undefined;
    stream.onClosed(({ reason }) => (late = reason));
    expect(late).toBe('client');
  });

  it('queues behind a client that does not read, reports pending, and delivers everything in order once it reads', async () => {
    await setup({ maxPending: 100_000 });
    const client = await subscribe();
    const stream = await nextStream();
    await client.until(() => true);
    client.socket.pause();
    const big = (i: number): scheduler.Event => ({ ...update(i), message: { ...update(i).message!, data: Buffer.alloc(256 * 1024, i % 256) } });
    let sent = 0;
    while (stream.pending === 0 && sent < 400) stream.send(big(sent++));
    expect(stream.pending).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) stream.send(big(sent++));
    expect(stream.pending).toBeGreaterThanOrEqual(5);
    client.socket.resume();
    const r = await client.until((x) => x.chunks.length === sent, 10_000);
    expect(stream.pending).toBe(0);
    const ids = r.chunks.map((c) => (JSON.parse(text(new RecordIODecoder().push(c)[0]!)) as { message: { data: string } }).message.data.slice(0, 4));
    expect(ids).toEqual(Array.from({ length: sent }, (_, i) => Buffer.alloc(3, i % 256).toString('base64')));
    client.destroy();
  });

  it('closes with "overflow" once more than maxPending records wait', async () => {
    await setup({ maxPending: 3 });
    const client = await subscribe();
    const stream = await nextStream();
    await client.until(() => true);
    client.socket.pause();
    const big: scheduler.Event = { ...update(0), message: { ...update(0).message!, data: Buffer.alloc(256 * 1024) } };
    let sent = 0;
    while (!stream.isClosed && sent < 1000) {
      stream.send(big);
      sent++;
      expect(stream.pending).toBeLessThanOrEqual(3);
    }
    const closed = await stream.closed;
    expect(closed.reason).toBe('overflow');
    expect(closed.error?.message).toMatch(/maxPending 3/);
    expect(stream.pending).toBe(0);
    expect(stream.send(big)).toBe(false);
    client.destroy();
  });

  it('close() with records still queued flushes them before ending', async () => {
    await setup({ maxPending: 100_000 });
    const client = await subscribe();
    const stream = await nextStream();
    await client.until(() => true);
    client.socket.pause();
    let sent = 0;
    while (stream.pending < 3 && sent < 400) {
      stream.send({ ...update(sent), message: { ...update(sent).message!, data: Buffer.alloc(256 * 1024) } });
      sent++;
    }
    stream.close();
    expect(stream.isClosed).toBe(true);
    client.socket.resume();
    const r = await client.until((x) => x.ended, 10_000);
    expect(r.chunks).toHaveLength(sent);
    expect(await stream.closed).toEqual({ reason: 'server' });
    client.destroy();
  });
});

describe('readBody and writeError', () => {
  it('answers 413 for a body over maxBytes', async () => {
    const server = createServer(async (req, res) => {
      const body = await readBody(req, { maxBytes: 10 });
      if (!body.ok) return writeError(res, body.error);
      res.end(String(body.value.byteLength));
    });
    const port = await listen(server);
    try {
      expect(await (await RawClient.request(port, 'POST', '/', {}, 'x'.repeat(10))).text()).toMatchObject({ status: 200, body: '10' });
      expect(await (await RawClient.request(port, 'POST', '/', {}, 'x'.repeat(11))).text()).toMatchObject({
        status: 413,
        body: 'Request body exceeds 10 bytes',
      });
    } finally {
      await stop(server);
    }
  });
});
