/**
 * The operator API's SUBSCRIBE stream, as Mesos 1.11's `Master::Subscribers` (src/master/master.cpp,
 * readonly_handler.cpp `subscribe`): SUBSCRIBED with the whole state and the heartbeat interval, a HEARTBEAT at
 * once and then every interval, and then the master's changes (events.ts) as they happen:
 *
 * | change | event |
 * |---|---|
 * | task_added | TASK_ADDED, when the task's framework is known (else it follows the framework's FRAMEWORK_ADDED) |
 * | task_updated | TASK_UPDATED when the status's state differs from the task's previous status (or it is a check or health update) |
 * | agent_added | AGENT_ADDED |
 * | agent_removed | AGENT_REMOVED (removed, unreachable or gone) |
 * | framework_added | FRAMEWORK_ADDED, then TASK_ADDED for tasks it already has (recovered from agents) |
 * | framework_updated | FRAMEWORK_UPDATED |
 * | framework_removed | FRAMEWORK_REMOVED |
 *
 * Each event is encoded at most once per media type and the bytes are written to every subscriber, so a change
 * costs one encoding however many subscribers there are.
 */
import type { ServerResponse } from 'node:http';
import { createEventStream, encodeMessage, type EventStream } from '@mesos-ts/http-api';
import { TaskStatus_Reason, master, type TaskState } from '@mesos-ts/proto';
import type { MasterCore } from '../core';
import type { MasterChange } from '../events';
import type { TaskRecord } from '../model';
import { agentModel, frameworkModel, getState, taskModel } from './convert';

/** Mesos's `DEFAULT_MAX_OPERATOR_EVENT_STREAM_SUBSCRIBERS`: past it, the oldest subscriber is dropped. */
export const MAX_SUBSCRIBERS = 1000;

type Encoding = 'json' | 'protobuf';

interface Subscriber {
  readonly stream: EventStream<'mesos.v1.master.Event'>;
  readonly encoding: Encoding;
}

const HEARTBEAT: master.Event = { type: master.Event_Type.HEARTBEAT };

/** The subscribers of one master and the one change listener that feeds them all. */
export class OperatorSubscribers {
  private readonly core: MasterCore;
  /** In subscription order: the first is the oldest. */
  private readonly subscribers = new Set<Subscriber>();
  private unlisten: (() => void) | undefined;
  /** The state of each task's latest status, as Mesos compares it to decide on TASK_UPDATED. */
  private lastStatusState = new WeakMap<TaskRecord, TaskState | undefined>();

  constructor(core: MasterCore) {
    this.core = core;
  }

  get size(): number {
    return this.subscribers.size;
  }

  /** Opens a stream on `res`, sends SUBSCRIBED and a first HEARTBEAT, and adds it to the subscribers. */
  subscribe(res: ServerResponse, encoding: Encoding): EventStream<'mesos.v1.master.Event'> {
    const core = this.core;
    const stream = createEventStream(res, { typeName: 'mesos.v1.master.Event', contentType: encoding });
    if (this.unlisten === undefined) this.listen();
    stream.send({ type: master.Event_Type.SUBSCRIBED, subscribed: { getState: getState(core), heartbeatIntervalSeconds: core.heartbeatIntervalMs / 1000 } });
    stream.send(HEARTBEAT);
    stream.startHeartbeat({ intervalMs: core.heartbeatIntervalMs, message: HEARTBEAT });
    const subscriber: Subscriber = { stream, encoding };
    if (this.subscribers.size >= MAX_SUBSCRIBERS) {
      const oldest = this.subscribers.values().next().value;
      if (oldest !== undefined) {
        core.log.info(`Reached the maximum number of operator event stream subscribers (${MAX_SUBSCRIBERS}) so the oldest connection will be closed`);
        this.subscribers.delete(oldest);
        oldest.stream.close();
      }
    }
    this.subscribers.add(subscriber);
    core.log.info({ subscribers: this.subscribers.size }, 'Added subscriber to the list of active operator API subscribers');
    stream.onClosed(() => {
      this.subscribers.delete(subscriber);
      if (this.subscribers.size === 0) this.stopListening();
    });
    return stream;
  }

  /** Closes every stream (the master is stopping). */
  closeAll(): void {
    for (const s of [...this.subscribers]) s.stream.close();
    this.subscribers.clear();
    this.stopListening();
  }

  private listen(): void {
    // Seed the last status state of every task the master has now; later tasks are recorded as they come.
    this.lastStatusState = new WeakMap();
    for (const framework of this.core.frameworks.values()) for (const task of framework.tasks.values()) this.remember(task);
    this.unlisten = this.core.changes.listen((change) => this.onChange(change));
  }

  private stopListening(): void {
    this.unlisten?.();
    this.unlisten = undefined;
  }

  private remember(task: TaskRecord): void {
    const statuses = task.task.statuses ?? [];
    this.lastStatusState.set(task, statuses[statuses.length - 1]?.state);
  }

  private onChange(change: MasterChange): void {
    switch (change.kind) {
      case 'task_added': {
        this.remember(change.task);
        if (this.core.frameworks.has(change.task.frameworkId)) this.send({ type: master.Event_Type.TASK_ADDED, taskAdded: { task: taskModel(change.task) } });
        return;
      }
      case 'task_updated': {
        const { task, status } = change;
        const known = this.lastStatusState.has(task);
        const previous = this.lastStatusState.get(task);
        this.lastStatusState.set(task, status.state);
        const check = status.reason === TaskStatus_Reason.REASON_TASK_CHECK_STATUS_UPDATED || status.reason === TaskStatus_Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED;
        // A task seen before we listened falls back to whether its state changed.
        const newState = known ? previous !== status.state : change.stateChanged;
        if (!check && !newState) return;
        if (!this.core.frameworks.has(task.frameworkId)) return;
        this.send({ type: master.Event_Type.TASK_UPDATED, taskUpdated: { frameworkId: { value: task.frameworkId }, status, state: change.state } });
        return;
      }
      case 'agent_added':
        this.send({ type: master.Event_Type.AGENT_ADDED, agentAdded: { agent: agentModel(this.core, change.agent) } });
        return;
      case 'agent_removed':
        this.send({ type: master.Event_Type.AGENT_REMOVED, agentRemoved: { agentId: { value: change.agent.id } } });
        return;
      case 'framework_added': {
        this.send({ type: master.Event_Type.FRAMEWORK_ADDED, frameworkAdded: { framework: frameworkModel(this.core, change.framework, true) } });
        // A recovered framework arrives with the tasks agents reported for it; Mesos announces them after it.
        for (const task of change.framework.tasks.values()) this.send({ type: master.Event_Type.TASK_ADDED, taskAdded: { task: taskModel(task) } });
        return;
      }
      case 'framework_updated':
        this.send({ type: master.Event_Type.FRAMEWORK_UPDATED, frameworkUpdated: { framework: frameworkModel(this.core, change.framework, true) } });
        return;
      case 'framework_removed':
        this.send({ type: master.Event_Type.FRAMEWORK_REMOVED, frameworkRemoved: { frameworkInfo: change.framework.info } });
        return;
      case 'task_removed':
      case 'agent_updated':
        return;
    }
  }

  /** Encodes `event` once per media type in use and writes the bytes to every subscriber. */
  private send(event: master.Event): void {
    const encoded: Partial<Record<Encoding, Uint8Array>> = {};
    for (const subscriber of this.subscribers) {
      let bytes = encoded[subscriber.encoding];
      if (bytes === undefined) {
        try {
          bytes = encoded[subscriber.encoding] = encodeMessage('mesos.v1.master.Event', event, subscriber.encoding);
        } catch (e) {
          this.core.log.error({ err: e, type: master.Event_Type[event.type ?? 0] }, 'Failed to encode an operator event');
          return;
        }
      }
      subscriber.stream.sendSerialized(bytes);
    }
  }
}

const registry = new WeakMap<MasterCore, OperatorSubscribers>();

/** The subscribers of `core`, made on first use. */
export function operatorSubscribers(core: MasterCore): OperatorSubscribers {
  let subscribers = registry.get(core);
  if (subscribers === undefined) {
    subscribers = new OperatorSubscribers(core);
    registry.set(core, subscribers);
  }
  return subscribers;
}
