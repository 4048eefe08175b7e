/**
 * A fake agent for the executors' tests: the v1 executor API (`POST /api/v1/executor`) on 127.0.0.1, built from
 * @mesos-ts/http-api. It answers SUBSCRIBE with SUBSCRIBED, records every UPDATE (and acknowledges it on the
 * stream unless told not to), and lets the test send any event.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createEventStream, decodeRequest, negotiateRequest, negotiateResponse, readBody, writeAccepted, writeError, type EventStream } from '@mesos-ts/http-api';
import { TaskState, executor, type FrameworkInfo_Capability_Type, type TaskStatus } from '@mesos-ts/proto';

export interface FakeAgentOptions {
  /** Capabilities of the framework in SUBSCRIBED (e.g. TASK_KILLING_STATE). */
  capabilities?: FrameworkInfo_Capability_Type[];
  /** Acknowledge updates (default true). */
  autoAck?: boolean;
}

export interface FakeAgent {
  /** `ip:port`, as `MESOS_AGENT_ENDPOINT` has it. */
  readonly endpoint: string;
  readonly subscribes: executor.Call[];
  readonly updates: TaskStatus[];
  readonly messages: Uint8Array[];
  /** Sends an event on the current stream. */
  send(event: executor.Event): void;
  /** Resolves once SUBSCRIBED has been sent. */
  subscribed(timeoutMs?: number): Promise<void>;
  /** Resolves with the first recorded update (from `from` on) that matches, waiting for it if need be. */
  waitForUpdate(match: (status: TaskStatus) => boolean, timeoutMs?: number): Promise<TaskStatus>;
  /** The updates of one task, as `STATE` names (with `(healthy)` / `(unhealthy)` when set). */
  statesOf(taskId: string): string[];
  /** Cuts every open connection (the agent "restarts") but keeps listening. */
  dropConnections(): void;
  /** Cuts every connection (the agent "dies") and stops listening. */
  close(): Promise<void>;
}

/** A state name, with the health flag when the update carries one. */
export function describeStatus(status: TaskStatus): string {
  const name = TaskState[status.state ?? -1] ?? String(status.state);
  if (status.healthy === undefined) return name;
  return `${name}(${status.healthy ? 'healthy' : 'unhealthy'})`;
}

async function until<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function startFakeAgent(options: FakeAgentOptions = {}): Promise<FakeAgent> {
  const subscribes: executor.Call[] = [];
  const updates: TaskStatus[] = [];
  const messages: Uint8Array[] = [];
  let stream: EventStream<'mesos.v1.executor.Event'> | undefined;
  const sockets = new Set<Socket>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const request = negotiateRequest(req.method ?? '', req.headers, 'executor');
    if (!request.ok) return writeError(res, request.error);
    const body = await readBody(req);
    if (!body.ok) return writeError(res, body.error);
    const decoded = decodeRequest('mesos.v1.executor.Call', body.value, request.value.contentType);
    if (!decoded.ok) return writeError(res, decoded.error);
    const call = decoded.value;
    switch (call.type) {
      case executor.Call_Type.SUBSCRIBE: {
        const response = negotiateResponse(req.headers, 'executor');
        if (!response.ok) return writeError(res, response.error);
        subscribes.push(call);
        stream = createEventStream(res, { typeName: 'mesos.v1.executor.Event', contentType: response.value.messageEncoding });
        stream.send({
          type: executor.Event_Type.SUBSCRIBED,
          subscribed: {
            executorInfo: { executorId: call.executorId, frameworkId: call.frameworkId },
            frameworkInfo: { user: 'tester', name: 'test-framework', id: call.frameworkId, capabilities: (options.capabilities ?? []).map((type) => ({ type })) },
            agentInfo: { hostname: 'fake-agent', port: 5051, id: { value: 'agent-1' } },
            containerId: { value: 'executor-container' },
          },
        });
        return;
      }
      case executor.Call_Type.UPDATE: {
        const status = call.update?.status ?? {};
        updates.push(status);
        writeAccepted(res);
        if (options.autoAck !== false) stream?.send({ type: executor.Event_Type.ACKNOWLEDGED, acknowledged: { taskId: status.taskId, uuid: status.uuid } });
        return;
      }
      case executor.Call_Type.MESSAGE:
        messages.push(call.message?.data ?? new Uint8Array());
        return writeAccepted(res);
      default:
        return writeAccepted(res);
    }
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `127.0.0.1:${port}`,
    subscribes,
    updates,
    messages,
    send: (event) => {
      if (stream === undefined) throw new Error('No executor has subscribed');
      stream.send(event);
    },
    subscribed: async (timeoutMs = 20_000) => {
      await until(() => (stream === undefined ? undefined : true), timeoutMs, 'SUBSCRIBE');
    },
    waitForUpdate: (match, timeoutMs = 20_000) => until(() => updates.find(match), timeoutMs, 'a matching update'),
    statesOf: (taskId) => updates.filter((u) => u.taskId?.value === taskId).map(describeStatus),
    dropConnections: () => {
      stream = undefined;
      for (const socket of sockets) socket.destroy();
    },
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
