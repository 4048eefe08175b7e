/**
 * A fake agent that speaks the master-agent protocol (docs/master-agent-protocol.md) over real HTTP, for tests and
 * the simulator. It registers, keeps the session's event stream open, answers PING with PONG, and plays an
 * "instant executor": on RUN_TASK it reports TASK_RUNNING then TASK_FINISHED, each with a uuid, one update per task
 * at a time (the next goes out when the master's ACKNOWLEDGE for the previous arrives, as the agent's status
 * update manager does), `latest_state` telling the master where the task really is. Every event it receives is
 * kept, so tests can wait for one.
 */
import { randomBytes } from 'node:crypto';
import { Agent as HttpAgent, request, type ClientRequest, type IncomingMessage } from 'node:http';
import {
  OperationState,
  TaskState,
  TaskStatus_Source,
  decodeProtobuf,
  encodeMesosJson,
  encodeProtobuf,
  internal,
  parseMesosJson,
  type AgentInfo,
  type AgentInfo_Capability_Type,
  type Attribute,
  type ExecutorInfo,
  type FrameworkInfo,
  type Resource,
  type Task,
  type TaskInfo,
  type TaskStatus,
} from '@mesos-ts/proto';
import { decodeRecords } from '@mesos-ts/recordio';
import { Resources } from '@mesos-ts/resources';
import { Waiters } from './waiters';

/** What the fake agent does with a task it is asked to run. */
export type LaunchBehaviour = 'instant' | 'run' | 'fail' | 'manual';

/** Options of {@link FakeAgent}. */
export interface FakeAgentOptions {
  /** The master's base URL, e.g. `http://127.0.0.1:5050`. */
  readonly master: string;
  /** `AgentInfo.hostname`; default `127.0.0.1`. */
  readonly hostname?: string;
  /** The IP in the agent's pid; default `127.0.0.1`. */
  readonly ip?: string;
  /** The port in the agent's pid and `AgentInfo.port`; default a different made-up port per agent. */
  readonly port?: number;
  /** Mesos resource text; default `cpus:4;mem:4096;disk:4096;ports:[31000-32000]`. */
  readonly resources?: string;
  readonly attributes?: readonly Attribute[];
  readonly capabilities?: readonly AgentInfo_Capability_Type[];
  /** Encoding of calls and events; default protobuf, as the real agent. */
  readonly contentType?: 'json' | 'protobuf';
  /**
   * On RUN_TASK / RUN_TASK_GROUP: `instant` (TASK_RUNNING then TASK_FINISHED, the default), `run` (TASK_RUNNING,
   * then it runs until killed), `fail` (TASK_RUNNING then TASK_FAILED), `manual` (nothing; call `sendStatus`).
   */
  readonly onLaunch?: LaunchBehaviour;
  /** Answer KILL_TASK with TASK_KILLED; default true. */
  readonly autoKill?: boolean;
  /** Answer PING with PONG; default true. */
  readonly autoPong?: boolean;
  /** Re-register with this ID instead of registering (an agent that restarts with its work_dir). */
  readonly agentId?: string;
  /** Answer APPLY_OPERATION with UPDATE_OPERATION_STATUS (OPERATION_FINISHED); default true. */
  readonly applyOperations?: boolean;
}

/** A task as the fake agent runs it. */
export interface FakeTask {
  readonly frameworkId: string;
  readonly info: TaskInfo;
  state: TaskState;
  /** States reported and not yet sent (the head is in flight until acknowledged). */
  readonly queue: { update: internal.StatusUpdate; uuid: Buffer }[];
  inFlight: boolean;
}

let nextPort = 35051;

function key(frameworkId: string, taskId: string): string {
  return `${frameworkId}/${taskId}`;
}

function isTerminal(state: TaskState): boolean {
  return [TaskState.TASK_FINISHED, TaskState.TASK_FAILED, TaskState.TASK_KILLED, TaskState.TASK_ERROR, TaskState.TASK_LOST, TaskState.TASK_DROPPED, TaskState.TASK_GONE, TaskState.TASK_GONE_BY_OPERATOR].includes(state);
}

/** A fake agent connected to a master. Create it with {@link FakeAgent.start}. */
export class FakeAgent {
  readonly options: FakeAgentOptions;
  readonly hostname: string;
  readonly ip: string;
  readonly port: number;
  readonly pid: string;
  /** Every event received, in order, across sessions. */
  readonly events: internal.AgentEvent[] = [];
  /** The tasks it was asked to run, by `<framework id>/<task id>`. */
  readonly tasks = new Map<string, FakeTask>();
  readonly frameworks = new Map<string, FrameworkInfo>();
  /** Executors it runs, by `<framework id>/<executor id>`. */
  readonly executors = new Map<string, ExecutorInfo>();
  /** The uuids (hex) the master acknowledged. */
  readonly acknowledged: string[] = [];
  /** Reservations and volumes, as the last APPLY_OPERATION left them; reported on REREGISTER. */
  checkpointedResources: Resource[] = [];
  agentId: string | undefined;
  streamId: string | undefined;
  /** Whether PINGs are answered; starts as `options.autoPong` and may be changed (a hung agent). */
  autoPong: boolean;
  private readonly http = new HttpAgent({ keepAlive: true });
  private stream: ClientRequest | undefined;
  private response: IncomingMessage | undefined;
  private readonly waiters = new Waiters();
  private stopped = false;
  private sessionEnded: Promise<void> = Promise.resolve();

  private constructor(options: FakeAgentOptions) {
    this.options = options;
    this.hostname = options.hostname ?? '127.0.0.1';
    this.ip = options.ip ?? '127.0.0.1';
    this.port = options.port ?? nextPort++;
    this.pid = `slave(1)@${this.ip}:${this.port}`;
    this.agentId = options.agentId;
    this.autoPong = options.autoPong !== false;
  }

  /** Creates an agent and registers it (or re-registers with `options.agentId`); resolves on REGISTERED. */
  static async start(options: FakeAgentOptions): Promise<FakeAgent> {
    const agent = new FakeAgent(options);
    await (agent.agentId === undefined ? agent.register() : agent.reregister());
    return agent;
  }

  /** Whether a session stream is open. */
  get connected(): boolean {
    return this.response !== undefined && !this.response.destroyed;
  }

  private info(): AgentInfo {
    const resources = Resources.mustParse(this.options.resources ?? 'cpus:4;mem:4096;disk:4096;ports:[31000-32000]').toProto();
    return { hostname: this.hostname, port: this.port, resources, attributes: [...(this.options.attributes ?? [])] };
  }

  private capabilities(): { type: AgentInfo_Capability_Type }[] {
    return (this.options.capabilities ?? []).map((type) => ({ type }));
  }

  /** REGISTER: a new session and a new agent ID. */
  register(): Promise<void> {
    return this.open({ type: internal.AgentCall_Type.REGISTER, register: { agentInfo: this.info(), pid: this.pid, version: '1.11.0', capabilities: this.capabilities() } });
  }

  /** REREGISTER with the agent's ID, reporting its frameworks, executors and tasks. Unacknowledged updates are resent. */
  async reregister(): Promise<void> {
    if (this.agentId === undefined) throw new Error('reregister: the agent has no ID yet');
    const tasks: Task[] = [...this.tasks.values()]
      .filter((t) => !isTerminal(t.state) || t.queue.length > 0)
      .map((t) => {
        const task: Task = {
          name: t.info.name ?? '',
          taskId: t.info.taskId ?? { value: '' },
          frameworkId: { value: t.frameworkId },
          agentId: { value: this.agentId! },
          state: t.state,
          resources: t.info.resources ?? [],
        };
        if (t.info.executor?.executorId !== undefined) task.executorId = t.info.executor.executorId;
        return task;
      });
    await this.open({
      type: internal.AgentCall_Type.REREGISTER,
      agentId: { value: this.agentId },
      reregister: {
        agentInfo: { ...this.info(), id: { value: this.agentId } },
        pid: this.pid,
        version: '1.11.0',
        capabilities: this.capabilities(),
        frameworks: [...this.frameworks.values()],
        executors: [...this.executors.values()],
        tasks,
        checkpointedResources: [...this.checkpointedResources],
      },
    });
    for (const task of this.tasks.values()) {
      task.inFlight = false;
      void this.flush(task);
    }
  }

  private open(call: internal.AgentCall): Promise<void> {
    this.closeStream();
    const body = this.encode(call);
    return new Promise((resolve, reject) => {
      const req = request(new URL('/master/internal/agent', this.options.master), {
        method: 'POST',
        agent: false,
        headers: { 'Content-Type': this.mediaType(), Accept: this.mediaType(), 'Content-Length': String(body.byteLength) },
      });
      this.stream = req;
      req.on('error', (e) => reject(e));
      req.on('response', (res) => {
        if (res.statusCode !== 200) {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => reject(new Error(`${internal.AgentCall_Type[call.type ?? 0]} answered ${res.statusCode}: ${text}`)));
          return;
        }
        this.response = res;
        this.streamId = String(res.headers['mesos-stream-id'] ?? '');
        let first = true;
        this.sessionEnded = (async () => {
          try {
            for await (const record of decodeRecords(res)) {
              const event = this.decode(record);
              if (first) {
                first = false;
                if (event.type !== internal.AgentEvent_Type.REGISTERED) reject(new Error(`First event was ${internal.AgentEvent_Type[event.type ?? 0]}, not REGISTERED`));
                else {
                  this.agentId = event.registered?.agentId?.value;
                  resolve();
                }
              }
              this.receive(event);
            }
          } catch {
            // The stream broke (or was cut by disconnect()); the session is over either way.
          }
          if (first) reject(new Error('The master closed the session before REGISTERED'));
          if (this.response === res) this.response = undefined;
          this.notify();
        })();
      });
      req.end(body);
    });
  }

  private mediaType(): string {
    return this.options.contentType === 'json' ? 'application/json' : 'application/x-protobuf';
  }

  private encode(call: internal.AgentCall): Buffer {
    return this.options.contentType === 'json' ? Buffer.from(encodeMesosJson('mesos_ts.internal.AgentCall', call)) : Buffer.from(encodeProtobuf('mesos_ts.internal.AgentCall', call));
  }

  private decode(record: Uint8Array): internal.AgentEvent {
    const decoded = this.options.contentType === 'json' ? parseMesosJson('mesos_ts.internal.AgentEvent', record) : decodeProtobuf('mesos_ts.internal.AgentEvent', record);
    if (!decoded.ok) throw decoded.error;
    return decoded.value;
  }

  /**
   * POSTs a call on the current session (`agent_id` filled in); resolves with the status and body text. `streamId`
   * overrides the session's `Mesos-Stream-Id`; `null` sends none.
   */
  async call(call: internal.AgentCall, streamId: string | null | undefined = this.streamId): Promise<{ status: number; body: string }> {
    const body = this.encode({ agentId: { value: this.agentId ?? '' }, ...call });
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { 'Content-Type': this.mediaType(), 'Content-Length': String(body.byteLength) };
      if (streamId !== undefined && streamId !== null) headers['Mesos-Stream-Id'] = streamId;
      const req = request(new URL('/master/internal/agent', this.options.master), { method: 'POST', agent: this.http, headers });
      req.on('error', reject);
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.end(body);
    });
  }

  private receive(event: internal.AgentEvent): void {
    this.events.push(event);
    const T = internal.AgentEvent_Type;
    switch (event.type) {
      case T.PING:
        if (this.autoPong) void this.call({ type: internal.AgentCall_Type.PONG, pong: { pingId: event.ping?.pingId ?? 0n } }).catch(() => undefined);
        break;
      case T.RUN_TASK: {
        const run = event.runTask!;
        const frameworkId = run.frameworkId?.value ?? '';
        if (run.framework !== undefined) this.frameworks.set(frameworkId, run.framework);
        const task = run.task!;
        if (task.executor !== undefined) this.executors.set(key(frameworkId, task.executor.executorId?.value ?? ''), task.executor);
        this.launch(frameworkId, task);
        break;
      }
      case T.RUN_TASK_GROUP: {
        const run = event.runTaskGroup!;
        const frameworkId = run.frameworkId?.value ?? '';
        if (run.framework !== undefined) this.frameworks.set(frameworkId, run.framework);
        if (run.executor !== undefined) this.executors.set(key(frameworkId, run.executor.executorId?.value ?? ''), run.executor);
        for (const task of run.taskGroup?.tasks ?? []) this.launch(frameworkId, { ...task, executor: task.executor ?? run.executor ?? {} });
        break;
      }
      case T.KILL_TASK: {
        const task = this.tasks.get(key(event.killTask?.frameworkId?.value ?? '', event.killTask?.taskId?.value ?? ''));
        if (task !== undefined && this.options.autoKill !== false && !isTerminal(task.state)) this.report(task, TaskState.TASK_KILLED);
        break;
      }
      case T.ACKNOWLEDGE: {
        const ack = event.acknowledge!;
        const task = this.tasks.get(key(ack.frameworkId?.value ?? '', ack.taskId?.value ?? ''));
        const uuid = Buffer.from(ack.uuid ?? Buffer.alloc(0));
        this.acknowledged.push(uuid.toString('hex'));
        if (task !== undefined && task.queue[0]?.uuid.equals(uuid)) {
          task.queue.shift();
          task.inFlight = false;
          void this.flush(task);
        }
        break;
      }
      case T.SHUTDOWN_FRAMEWORK: {
        const frameworkId = event.shutdownFramework?.frameworkId?.value ?? '';
        for (const [k, task] of this.tasks) if (task.frameworkId === frameworkId) this.tasks.delete(k);
        for (const k of [...this.executors.keys()]) if (k.startsWith(`${frameworkId}/`)) this.executors.delete(k);
        this.frameworks.delete(frameworkId);
        break;
      }
      case T.SHUTDOWN_EXECUTOR: {
        const frameworkId = event.shutdownExecutor?.frameworkId?.value ?? '';
        const executorId = event.shutdownExecutor?.executorId?.value ?? '';
        for (const task of this.tasks.values()) {
          if (task.frameworkId === frameworkId && task.info.executor?.executorId?.value === executorId && !isTerminal(task.state)) this.report(task, TaskState.TASK_KILLED);
        }
        if (this.executors.delete(key(frameworkId, executorId))) {
          void this.call({ type: internal.AgentCall_Type.EXECUTOR_EXITED, executorExited: { frameworkId: { value: frameworkId }, executorId: { value: executorId }, status: 0 } }).catch(() => undefined);
        }
        break;
      }
      case T.UPDATE_FRAMEWORK:
        if (event.updateFramework?.framework?.id?.value !== undefined) this.frameworks.set(event.updateFramework.framework.id.value, event.updateFramework.framework);
        break;
      case T.APPLY_OPERATION: {
        // Takes the master's view of its reservations and volumes (reported again on REREGISTER) and confirms.
        const apply = event.applyOperation!;
        this.checkpointedResources = [...(apply.checkpointedResources ?? [])];
        if (this.options.applyOperations === false) break;
        const status = { state: OperationState.OPERATION_FINISHED, agentId: { value: this.agentId ?? '' }, uuid: { value: randomBytes(16) }, ...(apply.operation?.id === undefined ? {} : { operationId: apply.operation.id }) };
        void this.call({
          type: internal.AgentCall_Type.UPDATE_OPERATION_STATUS,
          updateOperationStatus: { status, operationUuid: Buffer.from(apply.operationUuid ?? Buffer.alloc(0)), ...(apply.frameworkId === undefined ? {} : { frameworkId: apply.frameworkId }) },
        }).catch(() => undefined);
        break;
      }
      case T.SHUTDOWN:
        this.closeStream();
        break;
      default:
        break;
    }
    this.notify();
  }

  private launch(frameworkId: string, info: TaskInfo): void {
    const task: FakeTask = { frameworkId, info, state: TaskState.TASK_STAGING, queue: [], inFlight: false };
    this.tasks.set(key(frameworkId, info.taskId?.value ?? ''), task);
    const behaviour = this.options.onLaunch ?? 'instant';
    if (behaviour === 'manual') return;
    this.report(task, TaskState.TASK_RUNNING);
    if (behaviour === 'instant') this.report(task, TaskState.TASK_FINISHED);
    if (behaviour === 'fail') this.report(task, TaskState.TASK_FAILED);
  }

  /** Queues a status for a task (as its executor would report it) and sends it when the previous one is acknowledged. */
  report(task: FakeTask, state: TaskState, extra: Partial<TaskStatus> = {}): Buffer {
    const uuid = randomBytes(16);
    const status: TaskStatus = {
      taskId: task.info.taskId ?? { value: '' },
      state,
      source: TaskStatus_Source.SOURCE_EXECUTOR,
      uuid,
      timestamp: Date.now() / 1000,
      ...(this.agentId === undefined ? {} : { agentId: { value: this.agentId } }),
      ...(task.info.executor?.executorId === undefined ? {} : { executorId: task.info.executor.executorId }),
      ...extra,
    };
    const update: internal.StatusUpdate = { frameworkId: { value: task.frameworkId }, status, timestamp: status.timestamp ?? Date.now() / 1000 };
    if (status.executorId !== undefined) update.executorId = status.executorId;
    task.state = state;
    task.queue.push({ update, uuid });
    void this.flush(task);
    return uuid;
  }

  /** Sends a status for a known task (see {@link report}); returns its uuid. */
  sendStatus(frameworkId: string, taskId: string, state: TaskState, extra: Partial<TaskStatus> = {}): Buffer {
    const task = this.tasks.get(key(frameworkId, taskId));
    if (task === undefined) throw new Error(`sendStatus: unknown task ${taskId} of framework ${frameworkId}`);
    return this.report(task, state, extra);
  }

  /** Sends the head of the task's queue unless one is in flight, with `latest_state` = the newest state. */
  private async flush(task: FakeTask): Promise<void> {
    const head = task.queue[0];
    if (head === undefined || task.inFlight || !this.connected || this.stopped) return;
    task.inFlight = true;
    const update: internal.StatusUpdate = { ...head.update, latestState: task.state };
    try {
      await this.call({ type: internal.AgentCall_Type.STATUS_UPDATE, statusUpdates: { updates: [update] } });
    } catch {
      task.inFlight = false;
    }
  }

  /** Sends the unacknowledged head of every task's queue again (the status update manager's retry). */
  async resendPending(): Promise<void> {
    for (const task of this.tasks.values()) {
      task.inFlight = false;
      await this.flush(task);
    }
  }

  /** Updates sent and not yet acknowledged. */
  get unacknowledged(): number {
    let n = 0;
    for (const task of this.tasks.values()) n += task.queue.length;
    return n;
  }

  /** Sends a message from an executor to its scheduler. */
  frameworkMessage(frameworkId: string, executorId: string, data: Uint8Array): Promise<{ status: number; body: string }> {
    return this.call({ type: internal.AgentCall_Type.FRAMEWORK_MESSAGE, frameworkMessage: { frameworkId: { value: frameworkId }, executorId: { value: executorId }, data: Buffer.from(data) } });
  }

  /** Reports an executor gone. */
  executorExited(frameworkId: string, executorId: string, status = 0): Promise<{ status: number; body: string }> {
    this.executors.delete(key(frameworkId, executorId));
    return this.call({ type: internal.AgentCall_Type.EXECUTOR_EXITED, executorExited: { frameworkId: { value: frameworkId }, executorId: { value: executorId }, status } });
  }

  /**
   * Resolves with the first event (from index `since` on, default 0) that matches, waiting up to `timeoutMs`.
   * Pass `agent.events.length` taken before an action to see only what it caused.
   */
  waitFor(predicate: (event: internal.AgentEvent) => boolean, options: { since?: number; timeoutMs?: number } = {}): Promise<internal.AgentEvent> {
    const since = options.since ?? 0;
    return this.until(() => this.events.slice(since).find(predicate), options.timeoutMs ?? 5000, 'an agent event');
  }

  /** The first event of a type (from `since`), waiting for it. */
  waitForType(type: internal.AgentEvent_Type, options: { since?: number; timeoutMs?: number } = {}): Promise<internal.AgentEvent> {
    return this.waitFor((e) => e.type === type, options);
  }

  /** Waits until `check` returns something other than undefined (checked after each event and on stream end). */
  until<T>(check: () => T | undefined, timeoutMs = 5000, what = 'a condition'): Promise<T> {
    return this.waiters.until(check, timeoutMs, () => `Timed out after ${timeoutMs} ms waiting for ${what} on agent ${this.agentId ?? this.pid}`);
  }

  private notify(): void {
    this.waiters.notify();
  }

  private closeStream(): void {
    this.response?.destroy();
    this.stream?.destroy();
    this.response = undefined;
    this.stream = undefined;
  }

  /** Cuts the session's connection (a crash or a network break, as the master sees it). */
  async disconnect(): Promise<void> {
    this.closeStream();
    await this.sessionEnded;
  }

  /** UNREGISTER: the agent leaves for good. */
  async unregister(): Promise<void> {
    await this.call({ type: internal.AgentCall_Type.UNREGISTER });
    await this.stop();
  }

  /** Closes everything; the agent sends nothing more. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.closeStream();
    await this.sessionEnded;
    this.http.destroy();
  }
}
