// A small master-plus-agent behind the v1 scheduler API, for testing `mesos execute` without the real daemons:
// real Node http on 127.0.0.1 with Mesos's negotiation, decoding and RecordIO event streams (@mesos-ts/http-api).
// It offers one agent's resources, "runs" launched tasks by their command (`true`/`echo ...` finish, `false`
// fails, `sleep ...` runs until killed), sends reliable updates (with a uuid) and records every call.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEventStream, decodeRequest, getHeader, negotiateRequest, negotiateResponse, readBody, writeAccepted, writeError, type EventStream } from '@mesos-ts/http-api';
import { MesosTsError } from '@mesos-ts/errors';
import { Offer_Operation_Type, TaskState, TaskStatus_Reason, TaskStatus_Source, scheduler, type Offer, type Resource, type TaskInfo, type TaskStatus } from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';

export interface FakeClusterOptions {
  /** The agent's resources, `--resources` syntax. Default `cpus:4;mem:4096;disk:10240`. */
  readonly agentResources?: string;
  /** Offers sent before the agent's own (e.g. too small ones, to see them declined). */
  readonly firstOffers?: readonly string[];
  /** Answer ACCEPT with this status and body. */
  readonly rejectAccept?: { status: number; body: string };
  /** Send an ERROR event with this message right after SUBSCRIBED. */
  readonly errorAfterSubscribe?: string;
  /** Never send an offer. */
  readonly noOffers?: boolean;
}

export interface FakeCluster {
  readonly url: string;
  readonly address: string;
  readonly calls: scheduler.Call[];
  readonly subscribes: scheduler.Call[];
  /** Task IDs launched, with the TaskInfo the ACCEPT carried. */
  readonly launched: Map<string, TaskInfo>;
  /** Every ACCEPT's operation. */
  readonly operations: NonNullable<scheduler.Call_Accept['operations']>;
  callsOf(type: scheduler.Call_Type): scheduler.Call[];
  close(): Promise<void>;
}

const FRAMEWORK_ID = { value: 'fake-framework-0001' };
const AGENT_ID = { value: 'fake-agent-S0' };

export async function startFakeCluster(options: FakeClusterOptions = {}): Promise<FakeCluster> {
  const calls: scheduler.Call[] = [];
  const subscribes: scheduler.Call[] = [];
  const launched = new Map<string, TaskInfo>();
  const operations: NonNullable<scheduler.Call_Accept['operations']> = [];
  const running = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  let stream: EventStream<'mesos.v1.scheduler.Event'> | undefined;
  let streamId = '';
  let offerSeq = 0;
  const pendingFirst = [...(options.firstOffers ?? [])];

  const later = (ms: number, f: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      f();
    }, ms);
    timers.add(t);
  };

  const offer = (text: string): Offer => ({
    id: { value: `offer-${++offerSeq}` },
    frameworkId: FRAMEWORK_ID,
    agentId: AGENT_ID,
    hostname: 'fake-agent.local',
    resources: Resources.mustParse(text).allocate('*').toProto(),
  });
  const sendOffer = (): void => {
    if (options.noOffers === true || stream === undefined || stream.isClosed) return;
    const text = pendingFirst.shift() ?? options.agentResources ?? 'cpus:4;mem:4096;disk:10240';
    stream.send({ type: scheduler.Event_Type.OFFERS, offers: { offers: [offer(text)] } });
  };

  const update = (taskId: string, state: TaskState, extra: Partial<TaskStatus> = {}): void => {
    if (stream === undefined || stream.isClosed) return;
    const status: TaskStatus = {
      taskId: { value: taskId },
      state,
      source: TaskStatus_Source.SOURCE_EXECUTOR,
      agentId: AGENT_ID,
      timestamp: Date.now() / 1000,
      uuid: randomBytes(16),
      ...extra,
    };
    stream.send({ type: scheduler.Event_Type.UPDATE, update: { status } });
  };

  const run = (task: TaskInfo): void => {
    const id = task.taskId?.value ?? '';
    const command = task.command?.value ?? '';
    launched.set(id, task);
    later(5, () => update(id, TaskState.TASK_STARTING));
    later(10, () => {
      update(id, TaskState.TASK_RUNNING);
      running.add(id);
    });
    if (command.startsWith('sleep')) return;
    later(20, () => {
      running.delete(id);
      if (command === 'false') update(id, TaskState.TASK_FAILED, { message: 'Command exited with status 1', reason: TaskStatus_Reason.REASON_COMMAND_EXECUTOR_FAILED });
      else update(id, TaskState.TASK_FINISHED, { message: 'Command exited with status 0' });
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const request = negotiateRequest(req.method ?? '', req.headers, 'scheduler');
    if (!request.ok) return writeError(res, request.error);
    const body = await readBody(req);
    if (!body.ok) return writeError(res, body.error);
    const decoded = decodeRequest('mesos.v1.scheduler.Call', body.value, request.value.contentType);
    if (!decoded.ok) return writeError(res, decoded.error);
    const call = decoded.value;

    if (call.type === scheduler.Call_Type.SUBSCRIBE) {
      const response = negotiateResponse(req.headers, 'scheduler');
      if (!response.ok) return writeError(res, response.error);
      subscribes.push(call);
      streamId = `stream-${subscribes.length}`;
      stream = createEventStream(res, { typeName: 'mesos.v1.scheduler.Event', contentType: response.value.messageEncoding, headers: { 'Mesos-Stream-Id': streamId } });
      stream.send({ type: scheduler.Event_Type.SUBSCRIBED, subscribed: { frameworkId: FRAMEWORK_ID, heartbeatIntervalSeconds: 15 } });
      if (options.errorAfterSubscribe !== undefined) {
        stream.send({ type: scheduler.Event_Type.ERROR, error: { message: options.errorAfterSubscribe } });
        stream.close();
        return;
      }
      later(5, sendOffer);
      return;
    }

    calls.push(call);
    if (getHeader(req.headers, 'Mesos-Stream-Id') !== streamId) return writeError(res, new MesosTsError('INVALID_ARGUMENT', 'Mismatched stream ID'));
    if (call.frameworkId?.value !== FRAMEWORK_ID.value) return writeError(res, new MesosTsError('INVALID_ARGUMENT', 'Mismatched framework ID'));
    switch (call.type) {
      case scheduler.Call_Type.ACCEPT: {
        if (options.rejectAccept !== undefined) {
          res.writeHead(options.rejectAccept.status, { 'Content-Type': 'text/plain' });
          res.end(options.rejectAccept.body);
          return;
        }
        writeAccepted(res);
        for (const operation of call.accept?.operations ?? []) {
          operations.push(operation);
          if (operation.type === Offer_Operation_Type.LAUNCH) for (const task of operation.launch?.taskInfos ?? []) run(task);
          if (operation.type === Offer_Operation_Type.LAUNCH_GROUP) for (const task of operation.launchGroup?.taskGroup?.tasks ?? []) run(task);
        }
        return;
      }
      case scheduler.Call_Type.DECLINE:
        writeAccepted(res);
        if (launched.size === 0) later(10, sendOffer);
        return;
      case scheduler.Call_Type.KILL: {
        writeAccepted(res);
        const id = call.kill?.taskId?.value ?? '';
        if (running.delete(id)) {
          later(5, () => update(id, TaskState.TASK_KILLING));
          later(10, () => update(id, TaskState.TASK_KILLED, { message: 'Command terminated with signal Terminated' }));
        }
        return;
      }
      case scheduler.Call_Type.TEARDOWN:
        writeAccepted(res);
        // As Mesos: the master ends the framework's event stream.
        later(1, () => stream?.close());
        return;
      default:
        writeAccepted(res);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    address: `127.0.0.1:${port}`,
    calls,
    subscribes,
    launched,
    operations,
    callsOf: (type) => calls.filter((c) => c.type === type),
    close: async () => {
      for (const t of timers) clearTimeout(t);
      stream?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The total of a launched task's resources, as text. */
export function resourcesText(resources: readonly Resource[] | undefined): string {
  const r = Resources.fromProto(resources ?? []);
  return r.ok ? r.value.unallocate().toString() : 'invalid';
}
