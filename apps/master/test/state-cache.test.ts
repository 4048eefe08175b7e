/**
 * The incrementally kept state (state-cache.ts) against a rebuild from scratch (state.ts): random sequences of
 * real changes (agents registering, disconnecting and coming back, frameworks subscribing, launching, declining,
 * killing, disconnecting and being torn down, status updates, executors exiting, offers made and rescinded) leave
 * every cached answer equal to the one built by walking everything, and the gauges equal to walked counts.
 */
import { ExecutorInfo_Type, TaskState, scheduler, type Offer } from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import fc from 'fast-check';
import type { MasterCore } from '../src/core';
import { masterMetrics } from '../src/metrics';
import { agentFullJson, agentJson, frameworkJson, stateJson, type Json } from '../src/state';
import { stateCacheOf, type CachedBody } from '../src/state-cache';
import type { FakeAgent } from '../src/testing';
import { versionInfo } from '../src/version';
import { cluster, commandTask, sleep, TestFramework, type Cluster } from './helpers';

function parse(body: CachedBody): Json {
  const text = Buffer.concat(body.pieces as Buffer[]).toString('utf8');
  expect(Buffer.byteLength(text)).toBe(body.length);
  return JSON.parse(text) as Json;
}

/** Arrays of objects sorted by their ID: both sides list the same things, maybe in another order. */
function normalize(value: Json): Json {
  if (Array.isArray(value)) {
    const items = value.map(normalize);
    const key = (v: Json): string => (v !== null && typeof v === 'object' && !Array.isArray(v) ? String(v['id'] ?? v['executor_id'] ?? JSON.stringify(v)) : JSON.stringify(v));
    return items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  return value;
}

/** The walked reference of the gauges the cache keeps. */
function walkedGauges(core: MasterCore): Record<string, number> {
  const out: Record<string, number> = {};
  const names: [string, TaskState][] = [
    ['staging', TaskState.TASK_STAGING],
    ['starting', TaskState.TASK_STARTING],
    ['running', TaskState.TASK_RUNNING],
    ['killing', TaskState.TASK_KILLING],
  ];
  for (const [name] of names) out[`master/tasks_${name}`] = 0;
  let total = Resources.EMPTY;
  let used = Resources.EMPTY;
  for (const agent of core.agents.values()) {
    total = total.plus(agent.total);
    for (const byTask of agent.tasks.values()) {
      for (const t of byTask.values()) {
        const hit = names.find(([, s]) => s === t.task.state);
        if (hit !== undefined) out[`master/tasks_${hit[0]}`]! += 1;
        if (![TaskState.TASK_FINISHED, TaskState.TASK_FAILED, TaskState.TASK_KILLED, TaskState.TASK_LOST, TaskState.TASK_ERROR, TaskState.TASK_DROPPED, TaskState.TASK_GONE, TaskState.TASK_GONE_BY_OPERATOR, TaskState.TASK_UNREACHABLE].includes(t.task.state!)) {
          used = used.plus(t.resources);
        }
      }
    }
    for (const byId of agent.executors.values()) for (const e of byId.values()) used = used.plus(e.resources);
  }
  for (const name of ['cpus', 'mem', 'disk', 'gpus']) {
    out[`master/${name}_total`] = Math.round((total.get(name) ?? 0) * 1000) / 1000;
    out[`master/${name}_used`] = Math.round((used.get(name) ?? 0) * 1000) / 1000;
  }
  return out;
}

function check(core: MasterCore): void {
  const cache = stateCacheOf(core);
  const version = versionInfo();
  expect(normalize(parse(cache.state()))).toEqual(normalize(stateJson(core, version)));
  expect(normalize(parse(cache.slaves(undefined)))).toEqual(normalize({ slaves: [...core.agents.values()].map((a) => agentFullJson(core, a)), recovered_slaves: [] }));
  expect(normalize(parse(cache.frameworks(undefined)))).toEqual(
    normalize({
      frameworks: [...core.frameworks.values()].map((f) => frameworkJson(core, f)),
      completed_frameworks: [...core.completedFrameworks.values()].map((f) => frameworkJson(core, f)),
      unregistered_frameworks: [],
    }),
  );
  const summary = parse(cache.stateSummary()) as { slaves: Record<string, Json>[] };
  for (const s of summary.slaves) {
    const agent = core.agents.get(String(s['id']))!;
    const expected = agentJson(core, agent);
    for (const [k, v] of Object.entries(expected)) expect(normalize(s[k]!)).toEqual(normalize(v));
    const running = [...core.frameworks.values()].flatMap((f) => [...f.tasks.values(), ...f.unreachableTasks.values(), ...f.completedTasks]).filter((t) => t.agentId === agent.id && t.task.state === TaskState.TASK_RUNNING);
    expect(s['TASK_RUNNING']).toBe(running.length);
  }
  const metrics = masterMetrics(core);
  for (const [name, value] of Object.entries(walkedGauges(core))) expect([name, Math.round(metrics[name]! * 1000) / 1000]).toEqual([name, value]);
}

type Op = 'agent' | 'framework' | 'launch' | 'decline' | 'status' | 'kill' | 'disconnect-agent' | 'reregister-agent' | 'close-framework' | 'teardown' | 'executor-exited' | 'ack' | 'wait';
const OPS: readonly Op[] = ['agent', 'framework', 'launch', 'launch', 'decline', 'status', 'status', 'kill', 'disconnect-agent', 'reregister-agent', 'close-framework', 'teardown', 'executor-exited', 'ack', 'wait'];

describe('state cache', () => {
  let c: Cluster | undefined;
  const frameworks: TestFramework[] = [];
  afterEach(async () => {
    for (const f of frameworks.splice(0)) f.close();
    await c?.stop();
    c = undefined;
  });

  it('stays equal to a rebuild from scratch under random changes', async () => {
    let n = 0;
    let executorsSeen = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom(...OPS), fc.nat(1000)), { minLength: 10, maxLength: 25 }), async (random) => {
        // Every run starts with a framework launching a command task and a task with a custom executor (r % 3 === 0).
        const ops: [Op, number][] = [['framework', 0], ['launch', 1], ['launch', 3], ...random];
        c = await cluster(1, ['--offer_timeout=1secs']);
        const core = c.master.core;
        check(core);
        const used = new Set<string>();
        const live: TestFramework[] = [];
        const freshOffer = (f: TestFramework): Offer | undefined => {
          const rescinded = new Set(f.events.filter((e) => e.type === scheduler.Event_Type.RESCIND).map((e) => e.rescind?.offerId?.value));
          return f.events
            .flatMap((e) => (e.type === scheduler.Event_Type.OFFERS ? (e.offers?.offers ?? []) : []))
            .find((o) => !used.has(o.id?.value ?? '') && !rescinded.has(o.id?.value));
        };
        const pick = <T>(list: readonly T[], r: number): T | undefined => list[r % Math.max(1, list.length)];
        for (const [op, r] of ops) {
          const f = pick(live, r);
          const agent: FakeAgent | undefined = pick(c.agents, r);
          try {
            switch (op) {
              case 'agent':
                if (c.agents.length < 4) await c.addAgent({ onLaunch: (['run', 'instant', 'manual'] as const)[r % 3]! });
                break;
              case 'framework': {
                if (live.length >= 3) break;
                const nf = new TestFramework(c.url, { failoverTimeout: 0, ...(r % 2 === 0 ? { capabilities: [{ type: 2 }] } : {}) });
                frameworks.push(nf);
                await nf.subscribe();
                live.push(nf);
                break;
              }
              case 'launch': {
                if (f !== undefined && freshOffer(f) === undefined) {
                  // Offers come with the next allocation run (100 ms): wait for one.
                  const since = f.events.length;
                  await f.client.revive();
                  await f.waitFor((e) => e.type === scheduler.Event_Type.OFFERS, since, 500).catch(() => undefined);
                }
                const offer = f === undefined ? undefined : freshOffer(f);
                if (f === undefined || offer === undefined) break;
                used.add(offer.id?.value ?? '');
                const task = commandTask(offer, `t${n++}`, 'cpus:0.5;mem:64');
                if (r % 3 === 0) {
                  const { command, ...rest } = task;
                  await f.client.launch(offer, [
                    { ...rest, executor: { executorId: { value: `ex${n}` }, frameworkId: { value: f.frameworkId }, type: ExecutorInfo_Type.CUSTOM, command: command ?? { value: 'true' }, resources: Resources.mustParse('cpus:0.1;mem:16').toProto() } },
                  ]);
                } else {
                  await f.client.launch(offer, [task]);
                }
                break;
              }
              case 'decline': {
                const offer = f === undefined ? undefined : freshOffer(f);
                if (f === undefined || offer === undefined) break;
                used.add(offer.id?.value ?? '');
                await f.client.decline([offer.id!]);
                break;
              }
              case 'status': {
                const task = agent === undefined ? undefined : pick([...agent.tasks.values()].filter((t) => t.state !== TaskState.TASK_FINISHED), r);
                if (agent === undefined || task === undefined || !agent.connected) break;
                const next = task.state === TaskState.TASK_STAGING ? TaskState.TASK_RUNNING : r % 2 === 0 ? TaskState.TASK_RUNNING : TaskState.TASK_FINISHED;
                agent.sendStatus(task.frameworkId, task.info.taskId?.value ?? '', next);
                break;
              }
              case 'kill': {
                const task = f === undefined ? undefined : pick([...core.frameworks.get(f.frameworkId)?.tasks.values() ?? []], r);
                if (f !== undefined && task !== undefined) await f.client.kill(task.taskId, task.agentId);
                break;
              }
              case 'disconnect-agent':
                if (agent?.connected === true) await agent.disconnect();
                break;
              case 'reregister-agent':
                if (agent !== undefined && !agent.connected) await agent.reregister();
                break;
              case 'close-framework':
                if (f !== undefined) {
                  f.close();
                  live.splice(live.indexOf(f), 1);
                }
                break;
              case 'teardown':
                if (f !== undefined) {
                  await f.client.teardown();
                  live.splice(live.indexOf(f), 1);
                }
                break;
              case 'executor-exited': {
                const key = agent === undefined ? undefined : pick([...agent.executors.keys()], r);
                if (agent !== undefined && key !== undefined && agent.connected) {
                  const [frameworkId, executorId] = key.split('/') as [string, string];
                  await agent.executorExited(frameworkId, executorId);
                }
                break;
              }
              case 'ack': {
                const update = f?.events.find((e) => e.type === scheduler.Event_Type.UPDATE && e.update?.status?.uuid !== undefined && !used.has(`ack:${Buffer.from(e.update.status.uuid).toString('hex')}`));
                if (f !== undefined && update?.update?.status !== undefined) {
                  used.add(`ack:${Buffer.from(update.update.status.uuid!).toString('hex')}`);
                  await f.client.acknowledge(update.update.status);
                }
                break;
              }
              case 'wait':
                await sleep(120);
                break;
            }
          } catch {
            // A call refused by the master (e.g. a race with a rescind) is a change like any other: still check.
          }
          await sleep(20);
          check(core);
        }
        executorsSeen += [...core.agents.values()].reduce((n, a) => n + a.executors.size, 0) + [...core.completedFrameworks.values()].length;
        for (const f of frameworks.splice(0)) f.close();
        await c.stop();
        c = undefined;
      }),
      { numRuns: 5, seed: 5 },
    );
    // The runs did reach the states that matter: tasks launched, custom executors running.
    expect(n).toBeGreaterThanOrEqual(10);
    expect(executorsSeen).toBeGreaterThan(0);
  }, 120_000);
});
