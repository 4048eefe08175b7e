/**
 * The master's change feed: every change to a framework, agent or task is announced here, synchronously, right
 * after the state has changed. The operator API's SUBSCRIBE stream (Mesos's `Master::Subscribers`) turns these into
 * TASK_ADDED, TASK_UPDATED, AGENT_ADDED, AGENT_REMOVED and FRAMEWORK_* events, and the polled JSON endpoints use
 * them to keep their answers incrementally instead of walking the whole state on each request.
 *
 * Listeners must be cheap and must not throw (a throwing listener is logged and skipped); they must not change
 * the master's state from inside a notification.
 */
import type { TaskState, TaskStatus } from '@mesos-ts/proto';
import type { Agent, Framework, TaskRecord } from './model';

/** One change to the master's state. */
export type MasterChange =
  /** A task the master now tracks: launched, or reported by a (re-)registering agent. */
  | { readonly kind: 'task_added'; readonly task: TaskRecord }
  /** A status update applied to a task; `state` is the task's latest state after it. */
  | { readonly kind: 'task_updated'; readonly task: TaskRecord; readonly status: TaskStatus; readonly state: TaskState; readonly stateChanged: boolean }
  /** A task taken off its agent and framework (into completed or unreachable tasks, or forgotten). */
  | { readonly kind: 'task_removed'; readonly task: TaskRecord }
  /** An agent registered, re-registered or came back from unreachable. */
  | { readonly kind: 'agent_added'; readonly agent: Agent }
  /** An agent's resources, connection or activity changed. */
  | { readonly kind: 'agent_updated'; readonly agent: Agent }
  /** An agent removed, marked unreachable or gone. `agent` is its last record. */
  | { readonly kind: 'agent_removed'; readonly agent: Agent; readonly why: 'removed' | 'unreachable' | 'gone' }
  /** A framework subscribed for the first time, or was recovered from an agent's report. */
  | { readonly kind: 'framework_added'; readonly framework: Framework }
  /** A framework's info, connection or activity changed. */
  | { readonly kind: 'framework_updated'; readonly framework: Framework }
  /** A framework was torn down or its failover timeout passed. */
  | { readonly kind: 'framework_removed'; readonly framework: Framework };

export type MasterChangeListener = (change: MasterChange) => void;

/** A synchronous, ordered fan-out of {@link MasterChange}s. */
export class MasterChanges {
  private readonly listeners = new Set<MasterChangeListener>();
  private readonly onError: (error: unknown, change: MasterChange) => void;

  constructor(onError: (error: unknown, change: MasterChange) => void) {
    this.onError = onError;
  }

  /** Adds a listener; returns a function that removes it. */
  listen(listener: MasterChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  emit(change: MasterChange): void {
    if (this.listeners.size === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (e) {
        this.onError(e, change);
      }
    }
  }
}
