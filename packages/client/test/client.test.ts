import { scheduler, type Offer } from '@mesos-ts/proto';
import { Agent } from 'undici';
import { SchedulerClient, SchedulerError, type SchedulerClientOptions } from '../src';
import { startFakeMaster, startRedirector, type FakeMaster } from './fake-master';

const frameworkInfo = { user: 'alice', name: 'test-framework' };
const open: { close(): Promise<void> }[] = [];
const agents: Agent[] = [];

async function master(options: Parameters<typeof startFakeMaster>[0] = {}): Promise<FakeMaster> {
  const m = await startFakeMaster(options);
  open.push(m);
  return m;
}

function client(options: Omit<SchedulerClientOptions, 'frameworkInfo' | 'dispatcher'> & Partial<SchedulerClientOptions>): SchedulerClient {
  const dispatcher = new Agent();
  agents.push(dispatcher);
  return new SchedulerClient({ frameworkInfo, dispatcher, ...options });
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((m) => m.close()));
  await Promise.all(agents.splice(0).map((a) => a.destroy()));
});

/** Reads the first `count` events, then closes the subscription (by breaking out). */
async function take(events: AsyncIterable<scheduler.Event>, count: number): Promise<scheduler.Event[]> {
  const seen: scheduler.Event[] = [];
  for await (const event of events) {
    seen.push(event);
    if (seen.length >= count) break;
  }
  return seen;
}

describe.each(['json', 'protobuf'] as const)('subscribe (%s)', (contentType) => {
  it('yields SUBSCRIBED, OFFERS and HEARTBEATs and records the framework and stream ids', async () => {
    const m = await master();
    const c = client({ master: m.url, contentType });
    const events = await take(c.subscribe(), 4);
    expect(events.map((e) => scheduler.Event_Type[e.type ?? 0])).toEqual(['SUBSCRIBED', 'OFFERS', 'HEARTBEAT', 'HEARTBEAT']);
    expect(events[1]?.offers?.offers?.[0]?.id?.value).toBe('offer-0');
    expect(c.frameworkId).toEqual({ value: 'framework-1' });
    expect(c.streamId).toBe('stream-0');
    expect(c.heartbeatIntervalSeconds).toBeCloseTo(0.05);
    expect(m.subscribes[0]?.subscribe?.frameworkInfo?.name).toBe('test-framework');
  });

  it('sends calls with the stream id and framework id; helpers build the right calls', async () => {
    const m = await master({ heartbeatIntervalSeconds: 10 });
    const c = client({ master: m.url, contentType });
    let offer: Offer | undefined;
    for await (const event of c.subscribe()) {
      if (event.type === scheduler.Event_Type.OFFERS) {
        offer = event.offers?.offers?.[0];
        break;
      }
    }
    if (offer === undefined) throw new Error('no offer');
    await c.launch(offer, [{ name: 'task', taskId: { value: 't1' }, resources: offer.resources ?? [] }]);
    await c.decline(['offer-9'], { refuseSeconds: 30 });
    expect(await c.acknowledge({ taskId: { value: 't1' }, agentId: { value: 'agent-1' }, uuid: Buffer.from([1, 2, 3]) })).toBe(true);
    expect(await c.acknowledge({ taskId: { value: 't1' } })).toBe(false);
    await c.kill('t1', 'agent-1');
    await c.revive(['web']);
    await c.suppress();
    await c.reconcile([{ taskId: 't1' }]);
    await c.teardown();

    expect(m.calls.map((r) => scheduler.Call_Type[r.call.type ?? 0])).toEqual(['ACCEPT', 'DECLINE', 'ACKNOWLEDGE', 'KILL', 'REVIVE', 'SUPPRESS', 'RECONCILE', 'TEARDOWN']);
    for (const r of m.calls) {
      expect(r.streamId).toBe('stream-0');
      expect(r.call.frameworkId).toEqual({ value: 'framework-1' });
      expect(r.contentType).toBe(contentType === 'json' ? 'application/json' : 'application/x-protobuf');
    }
    const accept = m.calls[0]?.call.accept;
    expect(accept?.offerIds).toEqual([{ value: 'offer-0' }]);
    expect(accept?.operations?.[0]?.launch?.taskInfos?.[0]?.agentId).toEqual({ value: 'agent-1' });
    expect(m.calls[1]?.call.decline?.filters?.refuseSeconds).toBe(30);
    expect(Buffer.from(m.calls[2]?.call.acknowledge?.uuid ?? [])).toEqual(Buffer.from([1, 2, 3]));
  });
});

it('follows a 307 to the leader (scheme-relative Location) for SUBSCRIBE and calls', async () => {
  const m = await master({ heartbeatIntervalSeconds: 10 });
  const r = await startRedirector(m.port);
  open.push(r);
  const c = client({ master: r.url });
  const [subscribed] = await take(c.subscribe(), 1);
  expect(subscribed?.type).toBe(scheduler.Event_Type.SUBSCRIBED);
  expect(r.hits).toBe(1);
  expect(c.leader).toBe(m.url);
  await c.revive();
  expect(r.hits).toBe(1);
  expect(m.calls).toHaveLength(1);
});

it('gives up after maxRedirects', async () => {
  const loop = await startRedirector('self');
  open.push(loop);
  const c = client({ master: loop.url, maxRedirects: 2 });
  await expect(take(c.subscribe(), 1)).rejects.toMatchObject({ kind: 'TOO_MANY_REDIRECTS' });
  expect(loop.hits).toBe(3);
});

it('ends the iteration with HEARTBEAT_TIMEOUT when heartbeats stop', async () => {
  const m = await master({ heartbeatIntervalSeconds: 0.05, heartbeats: false });
  const c = client({ master: m.url, heartbeatGrace: 2 });
  const seen: scheduler.Event[] = [];
  const started = Date.now();
  const error = await (async () => {
    try {
      for await (const event of c.subscribe()) seen.push(event);
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  expect(error).toBeInstanceOf(SchedulerError);
  expect((error as SchedulerError).kind).toBe('HEARTBEAT_TIMEOUT');
  expect((error as SchedulerError).retryable).toBe(true);
  expect(seen.map((e) => e.type)).toEqual([scheduler.Event_Type.SUBSCRIBED, scheduler.Event_Type.OFFERS]);
  expect(Date.now() - started).toBeLessThan(2000);
});

it('without reconnect, a closed stream ends the iteration with DISCONNECTED; resubscribe() sends the framework id', async () => {
  const m = await master({ heartbeatIntervalSeconds: 10, closeStream: { index: 0, afterMs: 50 } });
  const c = client({ master: m.url });
  const seen: scheduler.Event[] = [];
  await expect(
    (async () => {
      for await (const event of c.subscribe()) if (event.type !== scheduler.Event_Type.HEARTBEAT) seen.push(event);
    })(),
  ).rejects.toMatchObject({ kind: 'DISCONNECTED' });
  expect(seen).toHaveLength(2);

  const [again] = await take(c.resubscribe(), 1);
  expect(again?.type).toBe(scheduler.Event_Type.SUBSCRIBED);
  expect(m.subscribes[1]?.frameworkId).toEqual({ value: 'framework-1' });
  expect(m.subscribes[1]?.subscribe?.frameworkInfo?.id).toEqual({ value: 'framework-1' });
  expect(c.streamId).toBe('stream-1');
});

it('with reconnect, resubscribes with the framework id after the server closes the stream', async () => {
  const m = await master({ heartbeatIntervalSeconds: 10, closeStream: { index: 0, afterMs: 50 } });
  const c = client({ master: m.url, reconnect: { initialDelayMs: 20, maxDelayMs: 50 } });
  const types: string[] = [];
  for await (const event of c.subscribe()) {
    if (event.type === scheduler.Event_Type.HEARTBEAT) continue;
    types.push(scheduler.Event_Type[event.type ?? 0] ?? '?');
    if (types.length === 4) break;
  }
  expect(types).toEqual(['SUBSCRIBED', 'OFFERS', 'SUBSCRIBED', 'OFFERS']);
  expect(m.subscribes).toHaveLength(2);
  expect(m.subscribes[0]?.subscribe?.frameworkInfo?.id).toBeUndefined();
  expect(m.subscribes[1]?.subscribe?.frameworkInfo?.id).toEqual({ value: 'framework-1' });
  expect(c.streamId).toBe('stream-1');
  // Calls now carry the new stream id.
  await c.revive();
  expect(m.calls[0]?.streamId).toBe('stream-1');
});

it('with reconnect, resubscribes after a heartbeat timeout', async () => {
  const m = await master({ heartbeatIntervalSeconds: 0.05, heartbeats: false });
  const c = client({ master: m.url, heartbeatGrace: 1, reconnect: { initialDelayMs: 10, maxDelayMs: 20 } });
  const types = (await take(c.subscribe(), 4)).map((e) => e.type);
  expect(types).toEqual([scheduler.Event_Type.SUBSCRIBED, scheduler.Event_Type.OFFERS, scheduler.Event_Type.SUBSCRIBED, scheduler.Event_Type.OFFERS]);
  expect(m.subscribes[1]?.frameworkId).toEqual({ value: 'framework-1' });
});

it('surfaces error statuses with status and body', async () => {
  const m = await master({ heartbeatIntervalSeconds: 10, failCalls: { status: 403, body: 'Framework is not subscribed' } });
  const c = client({ master: m.url });
  await take(c.subscribe(), 1);
  const error = await c.revive().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SchedulerError);
  expect(error).toMatchObject({ kind: 'HTTP_STATUS', status: 403, body: 'Framework is not subscribed', code: 'FORBIDDEN' });
});

it('surfaces a wrong stream id as the 400 the master answers', async () => {
  const m = await master({ heartbeatIntervalSeconds: 10 });
  const c = client({ master: m.url });
  await take(c.subscribe(), 1);
  // Another subscription replaces the stream id on the master side only.
  const other = client({ master: m.url });
  await take(other.subscribe(), 1);
  await expect(c.revive()).rejects.toMatchObject({ kind: 'HTTP_STATUS', status: 400, body: expect.stringContaining("The stream ID 'stream-0'") });
});

it('surfaces a SUBSCRIBE refusal with status and body, and refuses calls before SUBSCRIBED', async () => {
  const m = await master({ refuseSubscribe: { status: 403, body: 'Not authorized to register as role' } });
  const c = client({ master: m.url, reconnect: true });
  await expect(c.revive()).rejects.toMatchObject({ kind: 'NOT_SUBSCRIBED' });
  // 4xx is not retryable, so even with reconnect on the iteration ends at once.
  await expect(take(c.subscribe(), 1)).rejects.toMatchObject({ kind: 'HTTP_STATUS', status: 403, body: 'Not authorized to register as role', retryable: false });
  expect(m.subscribes).toHaveLength(1);
});

it('reports a refused connection as DISCONNECTED', async () => {
  const m = await master();
  const url = m.url;
  await m.close();
  open.splice(open.indexOf(m), 1);
  const c = client({ master: url });
  await expect(take(c.subscribe(), 1)).rejects.toMatchObject({ kind: 'DISCONNECTED', retryable: true });
});
