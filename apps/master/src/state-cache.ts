/**
 * The polled JSON endpoints' state, kept incrementally. Tools poll `/master/state` every few seconds on clusters of
 * thousands of agents; walking every task and re-encoding everything per request would stall the master (Mesos
 * 1.11 needs seconds for its large preset). Instead this cache:
 *
 *  - keeps each task's, offer's and executor's JSON text once made (a task's is dropped when it is updated);
 *  - keeps agents and each framework's live tasks in {@link ChunkedList}s whose chunks cache joined Buffers;
 *  - keeps a framework's used and offered resources and the task-state counts as running sums;
 *  - hears of every change through `core.changes` (events.ts), the offer manager's watch (state-offers.ts) and
 *    `core.executorListeners`, and only marks what a change touches as stale: O(1) per event;
 *  - makes stale parts again when a request comes, and answers with the list of Buffers (unchanged parts are the
 *    same Buffers as last time).
 *
 * The answers equal those built from scratch by state.ts (`stateJson` etc.); state-cache.test.ts checks this
 * after random sequences of changes.
 */
import { TaskState } from '@mesos-ts/proto';
import type { OutstandingOffer } from '@mesos-ts/offer-manager';
import { Resources } from '@mesos-ts/resources';
import type { MasterCore } from './core';
import type { MasterChange } from './events';
import { isTerminalOrUnreachable, type Agent, type ExecutorRecord, type Framework, type TaskRecord } from './model';
import { agentFullJson, agentJson, countAgents, executorJson, frameworkHeadJson, frameworkSummaryJson, frameworkTailJson, masterHeadJson, offerJson, taskJson } from './state';
import { ChunkedList } from './state-chunks';
import { versionInfo, type VersionInfo } from './version';

/** Views of an agent in the agents list. */
const AGENT_STATE = 0;
const AGENT_FULL = 1;

/** How a task is counted in its framework's sums. */
interface FrameworkCount {
  readonly entry: FrameworkEntry;
  readonly state: TaskState;
  /** Its resources when counted as used (live and not terminal/unreachable). */
  readonly used: Resources | undefined;
}

/** How a task is counted among its agent's tasks (the `master/tasks_*` gauges, the agent's summary). */
interface AgentCount {
  readonly agentId: string;
  readonly state: TaskState;
}

/** A framework's cached parts; see `frameworkPieces` for the layout. */
interface FrameworkEntry {
  readonly framework: Framework;
  readonly tasks: ChunkedList<TaskRecord>;
  /**
   * Used and offered resources per agent, kept as running sums. Per agent because sums across agents are not
   * reversible: two agents' `ports:[31000-32000]` add up to one range, and taking one away would take both.
   */
  readonly usedByAgent: Map<string, Resources>;
  readonly offeredByAgent: Map<string, Resources>;
  /** Their totals, made when asked for after a change. */
  used: Resources | undefined;
  offered: Resources | undefined;
  /** Live tasks by state and by agent, for `/master/state-summary`. */
  readonly states: Map<TaskState, number>;
  readonly agents: Map<string, number>;
  /** Executor resources counted in `used`, per agent: what the executors were at the last change. */
  readonly executors: Map<string, ExecutorRecord[]>;
  head: Buffer | undefined;
  /** `],"unreachable_tasks":[...],"completed_tasks":[...]`. */
  finished: Buffer | undefined;
  offers: Buffer | undefined;
  executorsText: Buffer | undefined;
  tail: Buffer | undefined;
}

/** What a body is: pieces to write one after another, and their total length. */
export interface CachedBody {
  readonly pieces: readonly Buffer[];
  readonly length: number;
}

/** Resource names with `master/<name>_total|_used|_percent` (and `_revocable_`) gauges. */
export const GAUGED_RESOURCES = ['cpus', 'gpus', 'mem', 'disk'] as const;

/** Per agent: [total, used, revocable total, revocable used] per gauged resource, in milli-units. */
type AgentFigures = Float64Array;

function figuresOf(agent: Agent, used: Resources): AgentFigures {
  const out = new Float64Array(GAUGED_RESOURCES.length * 4);
  const total = agent.total;
  const totalRev = total.revocable();
  const usedRev = used.revocable();
  const usedNon = used.nonRevocable();
  GAUGED_RESOURCES.forEach((name, i) => {
    out[i * 4] = Math.round((total.nonRevocable().get(name) ?? 0) * 1000);
    out[i * 4 + 1] = Math.round((usedNon.get(name) ?? 0) * 1000);
    out[i * 4 + 2] = Math.round((totalRev.get(name) ?? 0) * 1000);
    out[i * 4 + 3] = Math.round((usedRev.get(name) ?? 0) * 1000);
  });
  return out;
}

function buf(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

/** `{"a":1}` -> `"a":1` (an object's fields, to splice into another object). */
function fields(value: object): string {
  const text = JSON.stringify(value);
  return text.slice(1, -1);
}

function bump(map: Map<TaskState, number> | Map<string, number>, key: never, by: number): void {
  const m = map as Map<unknown, number>;
  const next = (m.get(key) ?? 0) + by;
  if (next === 0) m.delete(key);
  else m.set(key, next);
}

/** The incrementally kept state of one master. Use {@link stateCacheOf}. */
export class StateCache {
  readonly core: MasterCore;
  private readonly version: VersionInfo;
  private readonly agents = new ChunkedList<string>();
  private readonly agentTexts = new Map<string, string>();
  private readonly agentFullTexts = new Map<string, string>();
  private readonly entries = new Map<string, FrameworkEntry>();
  private readonly taskTexts = new WeakMap<TaskRecord, string>();
  private readonly offerTexts = new WeakMap<OutstandingOffer, string>();
  private readonly executorTexts = new WeakMap<ExecutorRecord, string>();
  private readonly frameworkCounts = new WeakMap<TaskRecord, FrameworkCount>();
  private readonly agentCounts = new WeakMap<TaskRecord, AgentCount>();
  /** Tasks on registered agents by state (`master/tasks_*`), and per agent (state-summary). */
  private readonly taskStates = new Map<TaskState, number>();
  private readonly agentTaskStates = new Map<string, Map<TaskState, number>>();
  /** Gauged resources summed over agents; agents whose figures are stale. */
  private readonly figureSums = new Float64Array(GAUGED_RESOURCES.length * 4);
  private readonly agentFigures = new Map<string, AgentFigures>();
  private readonly staleFigures = new Set<string>();
  private head: { buffer: Buffer; agents: number; unreachable: number } | undefined;
  private headStale = true;
  /** Bumped by every change; answers made at an older generation are stale. */
  private generation = 0;
  private stateBody: { generation: number; body: CachedBody } | undefined;
  private summaryBody: { generation: number; body: CachedBody } | undefined;
  private taskOrder: TaskRecord[] | undefined;
  private readonly detach: (() => void)[] = [];

  constructor(core: MasterCore, version: VersionInfo = versionInfo()) {
    this.core = core;
    this.version = version;
    this.detach.push(core.changes.listen((change) => this.onChange(change)));
    this.detach.push(core.offers.watch((added, removed) => this.onOffers(added, removed)));
    const onExecutor = (agent: Agent, frameworkId: string): void => this.onExecutor(agent, frameworkId);
    core.executorListeners.add(onExecutor);
    this.detach.push(() => core.executorListeners.delete(onExecutor));
    for (const agent of core.agents.values()) {
      this.agents.add(agent.id);
      this.staleFigures.add(agent.id);
      for (const byTask of agent.tasks.values()) for (const record of byTask.values()) this.countOnAgent(record);
    }
    for (const framework of core.frameworks.values()) this.resync(framework);
    for (const framework of core.completedFrameworks.values()) this.resync(framework);
  }

  /** Stops listening (the cache is then stale for good). */
  close(): void {
    for (const fn of this.detach.splice(0)) fn();
  }

  // ---------------------------------------------------------------------------------------------- changes

  private onChange(change: MasterChange): void {
    this.generation++;
    switch (change.kind) {
      case 'task_added':
      case 'task_updated':
      case 'task_removed': {
        const record = change.task;
        if (change.kind === 'task_updated') {
          this.taskTexts.delete(record);
          // The first status decides a task's place in `/master/tasks`; a repeated first state replaces it.
          if ((record.task.statuses?.length ?? 0) <= 1) this.taskOrder = undefined;
        } else {
          this.taskOrder = undefined;
        }
        this.countInFramework(record);
        this.countOnAgent(record);
        this.agentChanged(record.agentId);
        return;
      }
      case 'agent_added':
      case 'agent_updated':
        this.agents.add(change.agent.id);
        this.agentChanged(change.agent.id);
        this.headStale = true;
        return;
      case 'agent_removed':
        this.agents.delete(change.agent.id);
        this.agentTexts.delete(change.agent.id);
        this.agentFullTexts.delete(change.agent.id);
        for (const byTask of change.agent.tasks.values()) for (const record of byTask.values()) this.countOnAgent(record);
        this.agentTaskStates.delete(change.agent.id);
        this.staleFigures.add(change.agent.id);
        this.headStale = true;
        return;
      case 'framework_added':
        this.resync(change.framework);
        this.taskOrder = undefined;
        return;
      case 'framework_updated':
      case 'framework_removed': {
        const entry = this.entryOf(change.framework);
        entry.head = entry.finished = entry.offers = entry.executorsText = entry.tail = undefined;
        if (change.kind === 'framework_removed') this.taskOrder = undefined;
        // Completed frameworks beyond --max_completed_frameworks are dropped silently: forget their entries.
        for (const id of this.entries.keys()) if (!this.core.frameworks.has(id) && !this.core.completedFrameworks.has(id)) this.entries.delete(id);
        return;
      }
    }
  }

  private onOffers(added: readonly OutstandingOffer[], removed: readonly OutstandingOffer[]): void {
    this.generation++;
    for (const offer of added) this.offerChanged(offer, true);
    for (const offer of removed) this.offerChanged(offer, false);
  }

  private offerChanged(offer: OutstandingOffer, added: boolean): void {
    const entry = this.entries.get(offer.frameworkId);
    if (entry !== undefined) {
      addTo(entry.offeredByAgent, offer.agentId, offer.resources, added);
      entry.offered = undefined;
      entry.offers = entry.head = undefined;
    }
    this.agentChanged(offer.agentId);
  }

  private onExecutor(agent: Agent, frameworkId: string): void {
    this.generation++;
    this.agentChanged(agent.id);
    const entry = this.entries.get(frameworkId);
    if (entry === undefined) return;
    this.countExecutors(entry, agent.id);
    entry.executorsText = entry.head = undefined;
  }

  private agentChanged(agentId: string): void {
    this.agentTexts.delete(agentId);
    this.agentFullTexts.delete(agentId);
    this.agents.touch(agentId);
    this.staleFigures.add(agentId);
  }

  /** The framework's entry, made from its live state if missing or made for another record of the same ID. */
  private entryOf(framework: Framework): FrameworkEntry {
    const entry = this.entries.get(framework.id);
    return entry !== undefined && entry.framework === framework ? entry : this.resync(framework);
  }

  /** (Re)builds a framework's entry from its live state. */
  private resync(framework: Framework): FrameworkEntry {
    const entry: FrameworkEntry = {
      framework,
      tasks: new ChunkedList<TaskRecord>(),
      usedByAgent: new Map(),
      offeredByAgent: new Map(),
      used: undefined,
      offered: undefined,
      states: new Map(),
      agents: new Map(),
      executors: new Map(),
      head: undefined,
      finished: undefined,
      offers: undefined,
      executorsText: undefined,
      tail: undefined,
    };
    this.entries.set(framework.id, entry);
    for (const record of framework.tasks.values()) this.countInFramework(record);
    for (const agentId of framework.executors.keys()) this.countExecutors(entry, agentId);
    for (const offer of this.core.offers.offersOf(framework.id)) addTo(entry.offeredByAgent, offer.agentId, offer.resources, true);
    this.generation++;
    return entry;
  }

  /** Moves a task's contribution to its framework's list and sums to what it is now. */
  private countInFramework(record: TaskRecord): void {
    const old = this.frameworkCounts.get(record);
    if (old !== undefined) {
      const e = old.entry;
      if (old.used !== undefined) {
        addTo(e.usedByAgent, record.agentId, old.used, false);
        e.used = undefined;
      }
      bump(e.states, old.state as never, -1);
      bump(e.agents, record.agentId as never, -1);
      e.head = undefined;
      this.frameworkCounts.delete(record);
    }
    const entry = this.entries.get(record.frameworkId);
    if (entry !== undefined) {
      // The unreachable and completed lists (and the head's sums) may have changed with any task event.
      entry.finished = entry.head = undefined;
      if (entry.framework.tasks.get(record.taskId) === record) {
        const state = record.task.state ?? TaskState.TASK_STAGING;
        const used = isTerminalOrUnreachable(state) ? undefined : record.resources;
        if (used !== undefined) {
          addTo(entry.usedByAgent, record.agentId, used, true);
          entry.used = undefined;
        }
        bump(entry.states, state as never, 1);
        bump(entry.agents, record.agentId as never, 1);
        this.frameworkCounts.set(record, { entry, state, used });
        entry.tasks.add(record);
      } else {
        entry.tasks.delete(record);
      }
    }
  }

  /** Moves a task's contribution to the per-agent state counts to what it is now. */
  private countOnAgent(record: TaskRecord): void {
    const old = this.agentCounts.get(record);
    if (old !== undefined) {
      bump(this.taskStates, old.state as never, -1);
      const byAgent = this.agentTaskStates.get(old.agentId);
      if (byAgent !== undefined) bump(byAgent, old.state as never, -1);
      this.agentCounts.delete(record);
    }
    const agent = this.core.agents.get(record.agentId);
    if (agent === undefined || agent.tasks.get(record.frameworkId)?.get(record.taskId) !== record) return;
    const state = record.task.state ?? TaskState.TASK_STAGING;
    bump(this.taskStates, state as never, 1);
    let byAgent = this.agentTaskStates.get(record.agentId);
    if (byAgent === undefined) this.agentTaskStates.set(record.agentId, (byAgent = new Map()));
    bump(byAgent, state as never, 1);
    this.agentCounts.set(record, { agentId: record.agentId, state });
  }

  /** Replaces what the framework's executors on one agent add to its used resources. */
  private countExecutors(entry: FrameworkEntry, agentId: string): void {
    for (const old of entry.executors.get(agentId) ?? []) addTo(entry.usedByAgent, agentId, old.resources, false);
    const now = [...(entry.framework.executors.get(agentId)?.values() ?? [])];
    for (const record of now) addTo(entry.usedByAgent, agentId, record.resources, true);
    entry.used = undefined;
    if (now.length === 0) entry.executors.delete(agentId);
    else entry.executors.set(agentId, now);
  }

  // ---------------------------------------------------------------------------------------------- texts

  private taskText = (record: TaskRecord): string => {
    let text = this.taskTexts.get(record);
    if (text === undefined) this.taskTexts.set(record, (text = JSON.stringify(taskJson(record))));
    return text;
  };

  private agentText = (agentId: string): string => {
    let text = this.agentTexts.get(agentId);
    if (text === undefined) {
      const agent = this.core.agents.get(agentId);
      text = agent === undefined ? 'null' : JSON.stringify(agentJson(this.core, agent));
      this.agentTexts.set(agentId, text);
    }
    return text;
  };

  private agentFullText = (agentId: string): string => {
    let text = this.agentFullTexts.get(agentId);
    if (text === undefined) {
      const agent = this.core.agents.get(agentId);
      text = agent === undefined ? 'null' : JSON.stringify(agentFullJson(this.core, agent));
      this.agentFullTexts.set(agentId, text);
    }
    return text;
  };

  private offerText(offer: OutstandingOffer): string {
    let text = this.offerTexts.get(offer);
    if (text === undefined) this.offerTexts.set(offer, (text = JSON.stringify(offerJson(offer))));
    return text;
  }

  private executorText(record: ExecutorRecord, agentId: string): string {
    let text = this.executorTexts.get(record);
    if (text === undefined) this.executorTexts.set(record, (text = JSON.stringify(executorJson(record, agentId))));
    return text;
  }

  /** `FullFrameworkWriter`'s object, as pieces appended to `out`. */
  private frameworkPieces(framework: Framework, out: Buffer[]): void {
    const entry = this.entryOf(framework);
    entry.head ??= buf(`{${fields(frameworkHeadJson(framework, usedOf(entry), offeredOf(entry)))},"tasks":[`);
    out.push(entry.head);
    entry.tasks.pieces(0, this.taskText, out);
    entry.finished ??= buf(
      `],"unreachable_tasks":[${[...framework.unreachableTasks.values()].map(this.taskText).join(',')}],"completed_tasks":[${framework.completedTasks.map(this.taskText).join(',')}]`,
    );
    out.push(entry.finished);
    entry.offers ??= buf(`,"offers":[${this.core.offers.offersOf(framework.id).map((o) => this.offerText(o)).join(',')}]`);
    out.push(entry.offers);
    if (entry.executorsText === undefined) {
      const texts: string[] = [];
      for (const [agentId, byId] of framework.executors) for (const record of byId.values()) texts.push(this.executorText(record, agentId));
      entry.executorsText = buf(`,"executors":[${texts.join(',')}]`);
    }
    out.push(entry.executorsText);
    entry.tail ??= buf(`,${fields(frameworkTailJson(framework))}}`);
    out.push(entry.tail);
  }

  private frameworkListPieces(frameworks: Iterable<Framework>, out: Buffer[], accept: (id: string) => boolean = () => true): void {
    let first = true;
    for (const framework of frameworks) {
      if (!accept(framework.id)) continue;
      if (!first) out.push(COMMA);
      this.frameworkPieces(framework, out);
      first = false;
    }
  }

  private headBuffer(): Buffer {
    const core = this.core;
    const head = this.head;
    // The counts are checked too: removing an unreachable agent for good (MARK_AGENT_GONE) has no event of its own.
    if (head !== undefined && !this.headStale && head.agents === core.agents.size && head.unreachable === core.unreachable.size) return head.buffer;
    const json = masterHeadJson(core, this.version, countAgents(core));
    const buffer = buf(`{${fields(json)},"slaves":[`);
    this.head = { buffer, agents: core.agents.size, unreachable: core.unreachable.size };
    this.headStale = false;
    return buffer;
  }

  // ---------------------------------------------------------------------------------------------- answers

  /** `/master/state`. */
  state(): CachedBody {
    const cached = this.stateBody;
    if (cached !== undefined && cached.generation === this.generation && this.head !== undefined && this.head.unreachable === this.core.unreachable.size) return cached.body;
    const out: Buffer[] = [this.headBuffer()];
    this.agents.pieces(AGENT_STATE, this.agentText, out);
    out.push(MID_STATE);
    this.frameworkListPieces(this.core.frameworks.values(), out);
    out.push(MID_COMPLETED);
    this.frameworkListPieces(this.core.completedFrameworks.values(), out);
    out.push(END_STATE);
    const body = bodyOf(out);
    this.stateBody = { generation: this.generation, body };
    return body;
  }

  /** `/master/slaves`, all agents or the one with `agentId`. */
  slaves(agentId: string | undefined): CachedBody {
    const out: Buffer[] = [START_SLAVES];
    if (agentId === undefined) this.agents.pieces(AGENT_FULL, this.agentFullText, out);
    else if (this.core.agents.has(agentId)) out.push(buf(this.agentFullText(agentId)));
    out.push(END_SLAVES);
    return bodyOf(out);
  }

  /** `/master/frameworks`, all frameworks or the one with `frameworkId`. */
  frameworks(frameworkId: string | undefined): CachedBody {
    const accept = (id: string): boolean => frameworkId === undefined || id === frameworkId;
    const out: Buffer[] = [START_FRAMEWORKS];
    this.frameworkListPieces(this.core.frameworks.values(), out, accept);
    out.push(MID_COMPLETED);
    this.frameworkListPieces(this.core.completedFrameworks.values(), out, accept);
    out.push(END_FRAMEWORKS);
    return bodyOf(out);
  }

  /** `/master/state-summary`. */
  stateSummary(): CachedBody {
    const cached = this.summaryBody;
    if (cached !== undefined && cached.generation === this.generation) return cached.body;
    // Unreachable and completed tasks are bounded per framework (--max_completed_tasks_per_framework): counted here.
    const finishedByAgent = new Map<string, { states: Map<TaskState, number>; frameworks: Set<string> }>();
    const finishedByFramework = new Map<string, { states: Map<TaskState, number>; agents: Set<string> }>();
    for (const framework of this.core.frameworks.values()) {
      const byFramework = { states: new Map<TaskState, number>(), agents: new Set<string>() };
      finishedByFramework.set(framework.id, byFramework);
      for (const record of [...framework.unreachableTasks.values(), ...framework.completedTasks]) {
        const state = record.task.state ?? TaskState.TASK_STAGING;
        bump(byFramework.states, state as never, 1);
        byFramework.agents.add(record.agentId);
        let byAgent = finishedByAgent.get(record.agentId);
        if (byAgent === undefined) finishedByAgent.set(record.agentId, (byAgent = { states: new Map(), frameworks: new Set() }));
        bump(byAgent.states, state as never, 1);
        byAgent.frameworks.add(framework.id);
      }
    }
    const hostname = JSON.stringify(this.core.info.hostname ?? '');
    const parts: string[] = [`{"hostname":${hostname},"slaves":[`];
    let first = true;
    for (const agentId of this.agents.keys()) {
      const live = this.agentTaskStates.get(agentId);
      const finished = finishedByAgent.get(agentId);
      const agent = this.core.agents.get(agentId);
      const frameworkIds = new Set<string>();
      for (const [frameworkId, byTask] of agent?.tasks ?? []) if (byTask.size > 0 && this.core.frameworks.has(frameworkId)) frameworkIds.add(frameworkId);
      for (const id of finished?.frameworks ?? []) frameworkIds.add(id);
      const text = this.agentText(agentId);
      parts.push(`${first ? '' : ','}${text.slice(0, -1)},${summaryCounts(live, finished?.states)},"framework_ids":${JSON.stringify([...frameworkIds])}}`);
      first = false;
    }
    parts.push('],"frameworks":[');
    first = true;
    for (const framework of this.core.frameworks.values()) {
      const entry = this.entryOf(framework);
      const finished = finishedByFramework.get(framework.id);
      const agentIds = new Set<string>(entry.agents.keys());
      for (const id of finished?.agents ?? []) agentIds.add(id);
      parts.push(
        `${first ? '' : ','}{${fields(frameworkSummaryJson(framework, usedOf(entry), offeredOf(entry)))},${summaryCounts(entry.states, finished?.states)},"slave_ids":${JSON.stringify([...agentIds])}}`,
      );
      first = false;
    }
    parts.push(']}');
    const body = bodyOf([buf(parts.join(''))]);
    this.summaryBody = { generation: this.generation, body };
    return body;
  }

  /**
   * `/master/tasks`: live, unreachable and completed tasks of registered and completed frameworks, ordered by the
   * timestamp of their first status (`asc`, or newest first), `limit` from `offset`.
   */
  tasks(query: { limit: number; offset: number; order: 'asc' | 'des'; frameworkId: string | undefined; taskId: string | undefined }): CachedBody {
    let records: TaskRecord[];
    if (query.frameworkId !== undefined) {
      const framework = this.core.frameworks.get(query.frameworkId) ?? this.core.completedFrameworks.get(query.frameworkId);
      records = framework === undefined ? [] : sortTasks(tasksOf(framework));
    } else {
      this.taskOrder ??= sortTasks([...this.core.frameworks.values(), ...this.core.completedFrameworks.values()].flatMap(tasksOf));
      records = this.taskOrder;
    }
    if (query.taskId !== undefined) records = records.filter((r) => r.taskId === query.taskId);
    // Sorted newest first; ascending is the same order reversed, except that tasks without a status come first in
    // both (Mesos's comparators put them first ascending and last descending).
    const ordered = query.order === 'asc' ? ascending(records) : records;
    const page = ordered.slice(query.offset, query.offset + query.limit);
    return bodyOf([buf(`{"tasks":[${page.map(this.taskText).join(',')}]}`)]);
  }

  // ---------------------------------------------------------------------------------------------- metrics

  /** Tasks on registered agents in each state (`master/tasks_staging`, ...). */
  taskStateCounts(): ReadonlyMap<TaskState, number> {
    return this.taskStates;
  }

  /** Gauged resources summed over registered agents: `{ cpus: { total, used, revocableTotal, revocableUsed } }`. */
  resourceFigures(): Record<(typeof GAUGED_RESOURCES)[number], { total: number; used: number; revocableTotal: number; revocableUsed: number }> {
    for (const agentId of this.staleFigures) {
      const old = this.agentFigures.get(agentId);
      if (old !== undefined) for (let i = 0; i < old.length; i++) this.figureSums[i]! -= old[i]!;
      this.agentFigures.delete(agentId);
      const agent = this.core.agents.get(agentId);
      if (agent === undefined) continue;
      const figures = figuresOf(agent, agentUsedOf(agent));
      for (let i = 0; i < figures.length; i++) this.figureSums[i]! += figures[i]!;
      this.agentFigures.set(agentId, figures);
    }
    this.staleFigures.clear();
    const out = {} as Record<(typeof GAUGED_RESOURCES)[number], { total: number; used: number; revocableTotal: number; revocableUsed: number }>;
    GAUGED_RESOURCES.forEach((name, i) => {
      const s = this.figureSums;
      out[name] = { total: s[i * 4]! / 1000, used: s[i * 4 + 1]! / 1000, revocableTotal: s[i * 4 + 2]! / 1000, revocableUsed: s[i * 4 + 3]! / 1000 };
    });
    return out;
  }
}

/** Adds `r` to (or takes it from) the sum kept under `key`; an empty sum is dropped. */
function addTo(map: Map<string, Resources>, key: string, r: Resources, add: boolean): void {
  const next = add ? (map.get(key) ?? Resources.EMPTY).plus(r) : (map.get(key) ?? Resources.EMPTY).minus(r);
  if (next.isEmpty()) map.delete(key);
  else map.set(key, next);
}

function usedOf(entry: FrameworkEntry): Resources {
  return (entry.used ??= Resources.sum(entry.usedByAgent.values()));
}

function offeredOf(entry: FrameworkEntry): Resources {
  return (entry.offered ??= Resources.sum(entry.offeredByAgent.values()));
}

/** An agent's used resources: its live tasks' and executors' (walks one agent only). */
function agentUsedOf(agent: Agent): Resources {
  let used = Resources.EMPTY;
  for (const byTask of agent.tasks.values()) for (const t of byTask.values()) if (!isTerminalOrUnreachable(t.task.state)) used = used.plus(t.resources);
  for (const byId of agent.executors.values()) for (const e of byId.values()) used = used.plus(e.resources);
  return used;
}

const COMMA = buf(',');
const MID_STATE = buf('],"recovered_slaves":[],"frameworks":[');
const MID_COMPLETED = buf('],"completed_frameworks":[');
const END_STATE = buf('],"orphan_tasks":[],"unregistered_frameworks":[]}');
const START_SLAVES = buf('{"slaves":[');
const END_SLAVES = buf('],"recovered_slaves":[]}');
const START_FRAMEWORKS = buf('{"frameworks":[');
const END_FRAMEWORKS = buf('],"unregistered_frameworks":[]}');

const SUMMARY_STATES: readonly [string, TaskState][] = [
  ['TASK_STAGING', TaskState.TASK_STAGING],
  ['TASK_STARTING', TaskState.TASK_STARTING],
  ['TASK_RUNNING', TaskState.TASK_RUNNING],
  ['TASK_KILLING', TaskState.TASK_KILLING],
  ['TASK_FINISHED', TaskState.TASK_FINISHED],
  ['TASK_KILLED', TaskState.TASK_KILLED],
  ['TASK_FAILED', TaskState.TASK_FAILED],
  ['TASK_LOST', TaskState.TASK_LOST],
  ['TASK_ERROR', TaskState.TASK_ERROR],
  ['TASK_UNREACHABLE', TaskState.TASK_UNREACHABLE],
];

function summaryCounts(a: ReadonlyMap<TaskState, number> | undefined, b: ReadonlyMap<TaskState, number> | undefined): string {
  return SUMMARY_STATES.map(([name, state]) => `"${name}":${(a?.get(state) ?? 0) + (b?.get(state) ?? 0)}`).join(',');
}

function bodyOf(pieces: Buffer[]): CachedBody {
  let length = 0;
  for (const p of pieces) length += p.byteLength;
  return { pieces, length };
}

function tasksOf(framework: Framework): TaskRecord[] {
  return [...framework.tasks.values(), ...framework.unreachableTasks.values(), ...framework.completedTasks];
}

function firstTimestamp(record: TaskRecord): number | undefined {
  return record.task.statuses?.[0]?.timestamp;
}

/** Newest first status first; tasks without a status last (stable otherwise). */
function sortTasks(records: TaskRecord[]): TaskRecord[] {
  const keyed = records.map((r, i) => ({ r, i, t: firstTimestamp(r) }));
  keyed.sort((x, y) => {
    if (x.t === undefined || y.t === undefined) return x.t === undefined ? (y.t === undefined ? x.i - y.i : 1) : -1;
    return y.t - x.t || x.i - y.i;
  });
  return keyed.map((k) => k.r);
}

/** The ascending order from the descending one: tasks without a status first, then oldest first. */
function ascending(descending: readonly TaskRecord[]): TaskRecord[] {
  const none = descending.filter((r) => firstTimestamp(r) === undefined);
  const some = descending.filter((r) => firstTimestamp(r) !== undefined).reverse();
  return [...none, ...some];
}

const caches = new WeakMap<MasterCore, StateCache>();

/** The master's cache, made (from the live state) on first use and kept up to date from then on. */
export function stateCacheOf(core: MasterCore): StateCache {
  let cache = caches.get(core);
  if (cache === undefined) caches.set(core, (cache = new StateCache(core)));
  return cache;
}
