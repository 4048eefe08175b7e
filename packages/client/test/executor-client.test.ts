// The executor client against a small fake agent: real Node http on 127.0.0.1 with Mesos's negotiation, decoding
// and event streams from @mesos-ts/http-api; it records every call and can acknowledge, refuse or drop.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createEventStream, decodeRequest, getHeader, negotiateRequest, negotiateResponse, readBody, writeAccepted, writeError, writeResponse, type EventStream } from '@mesos-ts/http-api';
import { TaskState, TaskStatus_Source, executor } from '@mesos-ts/proto';
import { Agent } from 'undici';
import { ExecutorClient, ExecutorError, executorClientOptionsFromEnv, type ExecutorClientOptions } from '../src';

interface FakeAgentOptions {
  /** Acknowledge each UPDATE on the event stream (default true). */
  autoAck?: boolean;
  /** Answer UPDATE/MESSAGE with this status and body. */
  failCalls?: { status: number; body: string };
  /** Answer SUBSCRIBE with this status and body. */
  refuseSubscribe?: { status: number; body: string };
  /** Fixed port (to restart an agent on the same one). */
  port?: number;
}

interface Received {
  call: executor.Call;
  contentType: string | undefined;
  authorization: string | undefined;
}

interface FakeAgent {
  endpoint: string;
  port: number;
  calls: Received[];
  subscribes: executor.Call[];
  streams: EventStream<'mesos.v1.executor.Event'>[];
  /** Sends on the latest stream. */
  send(event: executor.Event): void;
  /** Cuts every connection (the agent "crashes") but keeps listening. */
  dropConnections(): void;
  close(): Promise<void>;
}

async function startFakeAgent(options: FakeAgentOptions = {}): Promise<FakeAgent> {
  const calls: Received[] = [];
  const subscribes: executor.Call[] = [];
  const streams: EventStream<'mesos.v1.executor.Event'>[] = [];
  const sockets = new Set<Socket>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const request = negotiateRequest(req.method ?? '', req.headers, 'executor');
    if (!request.ok) return writeError(res, request.error);
    const body = await readBody(req);
    if (!body.ok) return writeError(res, body.error);
    const decoded = decodeRequest('mesos.v1.executor.Call', body.value, request.value.contentType);
    if (!decoded.ok) return writeError(res, decoded.error);
    const call = decoded.value;
    if (call.type !== executor.Call_Type.SUBSCRIBE) {
      calls.push({ call, contentType: getHeader(req.headers, 'Content-Type'), authorization: getHeader(req.headers, 'Authorization') });
      if (options.failCalls !== undefined) {
        return writeResponse(res, { status: options.failCalls.status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: Buffer.from(options.failCalls.body) });
      }
      writeAccepted(res);
      const status = call.update?.status;
      if (call.type === executor.Call_Type.UPDATE && options.autoAck !== false && status !== undefined) {
        streams.at(-1)?.send({ type: executor.Event_Type.ACKNOWLEDGED, acknowledged: { taskId: status.taskId, uuid: status.uuid } });
      }
      return;
    }
    const response = negotiateResponse(req.headers, 'executor');
    if (!response.ok) return writeError(res, response.error);
    subscribes.push(call);
    if (options.refuseSubscribe !== undefined) {
      return writeResponse(res, { status: options.refuseSubscribe.status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: Buffer.from(options.refuseSubscribe.body) });
    }
    const stream = createEventStream(res, { typeName: 'mesos.v1.executor.Event', contentType: response.value.messageEncoding });
    streams.push(stream);
    stream.send({
      type: executor.Event_Type.SUBSCRIBED,
      subscribed: {
        executorInfo: { executorId: call.executorId, frameworkId: call.frameworkId },
        frameworkInfo: { user: 'alice', name: 'fw', id: call.frameworkId },
        agentInfo: { hostname: 'agent-1.example', port: 5051 },
        containerId: { value: 'container-1' },
      },
    });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `127.0.0.1:${port}`,
    port,
    calls,
    subscribes,
    streams,
    send: (event) => streams.at(-1)?.send(event),
    dropConnections: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const open: { close(): Promise<void> }[] = [];
const dispatchers: Agent[] = [];

async function agent(options: FakeAgentOptions = {}): Promise<FakeAgent> {
  const a = await startFakeAgent(options);
  open.push(a);
  return a;
}

function client(options: Partial<ExecutorClientOptions> & { agentEndpoint: string }): ExecutorClient {
  const dispatcher = new Agent();
  dispatchers.push(dispatcher);
  return new ExecutorClient({ frameworkId: 'framework-1', executorId: 'executor-1', dispatcher, ...options });
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((a) => a.close()));
  await Promise.all(dispatchers.splice(0).map((d) => d.destroy()));
});

/** Iterates `events`, calling `step` for each until it returns true; returns the event types seen. */
async function until(events: AsyncIterable<executor.Event>, step: (event: executor.Event) => boolean | Promise<boolean>): Promise<string[]> {
  const seen: string[] = [];
  for await (const event of events) {
    seen.push(executor.Event_Type[event.type ?? 0] ?? '?');
    if (await step(event)) break;
  }
  return seen;
}

const task = { name: 'sleep', taskId: { value: 't1' }, agentId: { value: 'agent-1' }, command: { value: 'sleep 10' } };

describe.each(['json', 'protobuf'] as const)('ExecutorClient (%s)', (contentType) => {
  it('subscribes with the ids, yields SUBSCRIBED and the events, and records what SUBSCRIBED said', async () => {
    const a = await agent();
    const c = client({ agentEndpoint: a.endpoint, contentType, authenticationToken: 'secret' });
    const seen = await until(c.subscribe(), (event) => {
      if (event.type === executor.Event_Type.SUBSCRIBED) {
        a.send({ type: executor.Event_Type.LAUNCH, launch: { task } });
        a.send({ type: executor.Event_Type.MESSAGE, message: { data: Buffer.from('hi') } });
        a.send({ type: executor.Event_Type.HEARTBEAT });
        a.send({ type: executor.Event_Type.KILL, kill: { taskId: { value: 't1' }, killPolicy: { gracePeriod: { nanoseconds: 5_000_000_000n } } } });
      }
      if (event.type === executor.Event_Type.KILL) {
        expect(event.kill?.killPolicy?.gracePeriod?.nanoseconds).toBe(5_000_000_000n);
        return true;
      }
      if (event.type === executor.Event_Type.MESSAGE) expect(Buffer.from(event.message?.data ?? []).toString()).toBe('hi');
      return false;
    });
    expect(seen).toEqual(['SUBSCRIBED', 'LAUNCH', 'MESSAGE', 'HEARTBEAT', 'KILL']);
    expect(a.subscribes[0]?.frameworkId).toEqual({ value: 'framework-1' });
    expect(a.subscribes[0]?.executorId).toEqual({ value: 'executor-1' });
    expect(c.frameworkInfo?.name).toBe('fw');
    expect(c.containerId).toEqual({ value: 'container-1' });
    expect(c.agentInfo?.hostname).toBe('agent-1.example');
    expect(c.unacknowledgedTasks.map((t) => t.taskId?.value)).toEqual(['t1']);
  });

  it('sends updates with a v4 uuid, executor id and source, in order, and keeps them until ACKNOWLEDGED', async () => {
    const a = await agent({ autoAck: false });
    const c = client({ agentEndpoint: a.endpoint, contentType, authenticationToken: 'secret' });
    const sent: Awaited<ReturnType<ExecutorClient['update']>>[] = [];
    await until(c.subscribe(), async (event) => {
      if (event.type === executor.Event_Type.SUBSCRIBED) a.send({ type: executor.Event_Type.LAUNCH, launch: { task } });
      if (event.type === executor.Event_Type.LAUNCH) {
        const updates = [TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FINISHED].map((state) => c.update({ taskId: { value: 't1' }, state }));
        sent.push(...(await Promise.all(updates)));
        expect(c.unacknowledgedUpdates).toHaveLength(3);
        expect(c.unacknowledgedTasks).toHaveLength(1);
        for (const status of sent) a.send({ type: executor.Event_Type.ACKNOWLEDGED, acknowledged: { taskId: { value: 't1' }, uuid: status.uuid } });
      }
      return event.type === executor.Event_Type.ACKNOWLEDGED && c.unacknowledgedUpdates.length === 0;
    });
    expect(await c.waitForAcknowledgements(10)).toBe(true);
    expect(c.unacknowledgedTasks).toHaveLength(0);
    expect(a.calls.map((r) => TaskState[r.call.update?.status?.state ?? -1])).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
    for (const r of a.calls) {
      expect(r.call.type).toBe(executor.Call_Type.UPDATE);
      expect(r.call.frameworkId).toEqual({ value: 'framework-1' });
      expect(r.contentType).toBe(contentType === 'json' ? 'application/json' : 'application/x-protobuf');
      expect(r.authorization).toBe('Bearer secret');
      const status = r.call.update?.status;
      expect(status?.executorId).toEqual({ value: 'executor-1' });
      expect(status?.source).toBe(TaskStatus_Source.SOURCE_EXECUTOR);
      expect(status?.uuid).toHaveLength(16);
      expect((status?.uuid?.[6] ?? 0) >> 4).toBe(4);
      expect(typeof status?.timestamp).toBe('number');
    }
    expect(new Set(sent.map((s) => Buffer.from(s.uuid ?? []).toString('hex'))).size).toBe(3);
  });

  it('sends MESSAGE bytes, and refuses them when not subscribed', async () => {
    const a = await agent();
    const c = client({ agentEndpoint: a.endpoint, contentType });
    await expect(c.message(Buffer.from('early'))).rejects.toMatchObject({ kind: 'NOT_SUBSCRIBED' });
    await until(c.subscribe(), async () => {
      await c.message(Buffer.from([0, 1, 255]));
      return true;
    });
    expect([...(a.calls[0]?.call.message?.data ?? [])]).toEqual([0, 1, 255]);
  });
});

describe('ExecutorClient failures', () => {
  it('ends with DISCONNECTED when the stream breaks and the framework does not checkpoint', async () => {
    const a = await agent();
    const c = client({ agentEndpoint: a.endpoint });
    const seen: string[] = [];
    await expect(
      until(c.subscribe(), (event) => {
        seen.push(executor.Event_Type[event.type ?? 0] ?? '');
        a.dropConnections();
        return false;
      }),
    ).rejects.toMatchObject({ kind: 'DISCONNECTED' });
    expect(seen).toEqual(['SUBSCRIBED']);
    expect(c.subscribed).toBe(false);
  });

  it('with checkpointing, resubscribes after a disconnection with the unacknowledged tasks and updates', async () => {
    const a = await agent({ autoAck: false });
    const c = client({ agentEndpoint: a.endpoint, checkpoint: true, subscriptionBackoffMaxMs: 50, recoveryTimeoutMs: 10_000 });
    let subscribed = 0;
    await until(c.subscribe(), async (event) => {
      if (event.type === executor.Event_Type.SUBSCRIBED) {
        subscribed += 1;
        if (subscribed === 1) a.send({ type: executor.Event_Type.LAUNCH, launch: { task } });
        return subscribed === 2;
      }
      if (event.type === executor.Event_Type.LAUNCH) {
        await c.update({ taskId: { value: 't1' }, state: TaskState.TASK_RUNNING });
        a.dropConnections();
        // Made around the disconnection (the client may not have noticed it yet): kept either way, and carried
        // by the next SUBSCRIBE since nothing acknowledged it.
        await c.update({ taskId: { value: 't1' }, state: TaskState.TASK_FINISHED, message: 'while away' });
      }
      return false;
    });
    expect(a.subscribes).toHaveLength(2);
    const again = a.subscribes[1]?.subscribe;
    expect(again?.unacknowledgedTasks?.map((t) => t.taskId?.value)).toEqual(['t1']);
    expect(again?.unacknowledgedUpdates?.map((u) => TaskState[u.status?.state ?? -1])).toEqual(['TASK_RUNNING', 'TASK_FINISHED']);
    expect(a.subscribes[0]?.subscribe?.unacknowledgedUpdates ?? []).toEqual([]);
  });

  it('gives up with RECOVERY_TIMEOUT when the agent stays away', async () => {
    const a = await agent();
    const c = client({ agentEndpoint: a.endpoint, checkpoint: true, subscriptionBackoffMaxMs: 20, recoveryTimeoutMs: 300 });
    const started = Date.now();
    await expect(
      until(c.subscribe(), () => {
        void a.close();
        return false;
      }),
    ).rejects.toMatchObject({ kind: 'RECOVERY_TIMEOUT' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('does not retry a refused SUBSCRIBE (4xx) even when checkpointing', async () => {
    const a = await agent({ refuseSubscribe: { status: 400, body: "Received unexpected 'SUBSCRIBE'" } });
    const c = client({ agentEndpoint: a.endpoint, checkpoint: true, subscriptionBackoffMaxMs: 10 });
    const error = await until(c.subscribe(), () => true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecutorError);
    expect(error).toMatchObject({ kind: 'HTTP_STATUS', status: 400, body: "Received unexpected 'SUBSCRIBE'", code: 'INVALID_ARGUMENT' });
    expect(a.subscribes).toHaveLength(1);
  });

  it('throws HTTP_STATUS for a refused update and stops keeping it', async () => {
    const a = await agent({ failCalls: { status: 400, body: 'Bad update' } });
    const c = client({ agentEndpoint: a.endpoint });
    await until(c.subscribe(), async () => {
      await expect(c.update({ taskId: { value: 't1' }, state: TaskState.TASK_RUNNING })).rejects.toMatchObject({ kind: 'HTTP_STATUS', status: 400, body: 'Bad update' });
      return true;
    });
    expect(c.unacknowledgedUpdates).toHaveLength(0);
  });

  it('rejects updates without task_id or state, naming the field', async () => {
    const c = client({ agentEndpoint: '127.0.0.1:1' });
    await expect(c.update({ state: TaskState.TASK_RUNNING })).rejects.toThrow("update: 'status.task_id' must be set");
    await expect(c.update({ taskId: { value: 't' } })).rejects.toThrow("update: 'status.state' must be set");
  });

  it('waitForAcknowledgements times out while updates are pending', async () => {
    const c = client({ agentEndpoint: '127.0.0.1:1' });
    await c.update({ taskId: { value: 't' }, state: TaskState.TASK_RUNNING });
    expect(c.unacknowledgedUpdates).toHaveLength(1);
    expect(await c.waitForAcknowledgements(30)).toBe(false);
    c.close();
    await expect(c.update({ taskId: { value: 't' }, state: TaskState.TASK_RUNNING })).rejects.toMatchObject({ kind: 'CLOSED' });
  });

  it('refuses an endpoint that is not host:port or an http URL', () => {
    expect(() => client({ agentEndpoint: 'ftp://x' })).toThrow("Invalid agent endpoint 'ftp://x'");
  });
});

describe('executorClientOptionsFromEnv', () => {
  const base = { MESOS_AGENT_ENDPOINT: '10.0.0.1:5051', MESOS_FRAMEWORK_ID: 'fw', MESOS_EXECUTOR_ID: 'ex' };

  it('reads the variables the agent sets', () => {
    const r = executorClientOptionsFromEnv({ ...base, MESOS_CHECKPOINT: '1', MESOS_RECOVERY_TIMEOUT: '15mins', MESOS_SUBSCRIPTION_BACKOFF_MAX: '250ms', MESOS_EXECUTOR_AUTHENTICATION_TOKEN: 'jwt' });
    expect(r).toEqual({
      ok: true,
      value: { agentEndpoint: '10.0.0.1:5051', frameworkId: 'fw', executorId: 'ex', checkpoint: true, recoveryTimeoutMs: 900_000, subscriptionBackoffMaxMs: 250, authenticationToken: 'jwt' },
    });
    expect(executorClientOptionsFromEnv({ ...base, MESOS_CHECKPOINT: '0' })).toMatchObject({ ok: true, value: { checkpoint: false } });
  });

  it.each([
    [{ MESOS_AGENT_ENDPOINT: undefined }, "Expecting 'MESOS_AGENT_ENDPOINT' to be set in the environment"],
    [{ MESOS_FRAMEWORK_ID: undefined }, "Expecting 'MESOS_FRAMEWORK_ID' to be set in the environment"],
    [{ MESOS_EXECUTOR_ID: '' }, "Expecting 'MESOS_EXECUTOR_ID' to be set in the environment"],
    [{ MESOS_RECOVERY_TIMEOUT: '15' }, "Failed to parse value '15' of 'MESOS_RECOVERY_TIMEOUT': Invalid duration '15'"],
    [{ MESOS_SUBSCRIPTION_BACKOFF_MAX: '1parsec' }, "Failed to parse value '1parsec' of 'MESOS_SUBSCRIPTION_BACKOFF_MAX'"],
    [{ MESOS_CHECKPOINT: 'yes' }, "Failed to parse value 'yes' of 'MESOS_CHECKPOINT': expected 1 or 0"],
    [{ MESOS_AGENT_ENDPOINT: 'a b:c' }, "Failed to parse value 'a b:c' of 'MESOS_AGENT_ENDPOINT'"],
  ])('names the bad variable: %j', (override, message) => {
    const r = executorClientOptionsFromEnv({ ...base, ...override });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain(message);
  });

  it('fromEnv throws INVALID_ARGUMENT with the same message', () => {
    expect(() => ExecutorClient.fromEnv({})).toThrow("Expecting 'MESOS_FRAMEWORK_ID' to be set in the environment");
  });
});
