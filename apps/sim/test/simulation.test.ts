/**
 * Simulated agents against a real master (in-process, over real HTTP): registration, tasks run to FINISHED
 * through the bench scheduler in every launch mode, and a clean disconnect on stop.
 */
import { startTestMaster } from '@mesos-ts/master/testing';
import type { RunningMaster } from '@mesos-ts/master';
import { procStatusKiB, runBenchScheduler, simulateAgents, type AgentSimulation, type LaunchMode } from '../src';

const until = async (check: () => boolean, what: string, timeoutMs = 5000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('simulated agents with a real master', () => {
  let master: RunningMaster;
  let sim: AgentSimulation;
  const warnings: string[] = [];

  beforeAll(async () => {
    master = await startTestMaster(['--allocation_interval=50ms']);
    sim = simulateAgents({
      master: master.url,
      count: 10,
      registerConcurrency: 4,
      logger: { info: () => undefined, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
    });
    await sim.ready(20_000);
  });

  afterAll(async () => {
    await sim?.stop();
    await master?.stop();
  });

  it('registers every agent as its own session with the resources it was given', () => {
    expect(master.core.agents.size).toBe(10);
    const ids = new Set(sim.agents.map((a) => a.agentId));
    expect(ids.size).toBe(10);
    for (const agent of sim.agents) {
      const known = master.core.agents.get(agent.agentId!);
      expect(known?.info.hostname).toBe(agent.hostname);
      expect(known?.pid).toBe(agent.pid);
    }
    expect(sim.stats()).toMatchObject({ agents: 10, connected: 10, sessions: 10, disconnects: 0 });
  });

  it.each<LaunchMode>(['batched', 'batched-ops', 'one-per-accept'])('runs 100 tasks to TASK_FINISHED, launched %s', async (mode) => {
    const result = await runBenchScheduler({ master: master.url, tasks: 100, mode, timeoutMs: 30_000 });

    expect(result.failures).toEqual([]);
    expect(result).toMatchObject({ tasks: 100, launched: 100, finished: 100, failed: 0, timedOut: false });
    if (mode === 'one-per-accept') expect(result.acceptCalls).toBe(100);
    else expect(result.acceptCalls).toBeLessThan(100);
    expect(result.offerToRunningMs.count).toBe(100);
    expect(result.tasksPerSecond).toBeGreaterThan(0);
    // The master holds no task of the run any more, and the agents hold nothing back: every update was acknowledged.
    // (Not `tasks_finished`: like Mesos, the master counts a terminal task by the state of the update that ended
    // it, and here that is TASK_RUNNING carrying latest_state TASK_FINISHED.)
    await until(() => [...master.core.agents.values()].every((a) => a.tasks.size === 0), 'the master to remove the tasks');
    await until(() => sim.stats().tasks === 0, 'the agents to forget the finished tasks');
    const stats = sim.stats();
    expect(stats.badAcknowledgements).toBe(0);
    expect(stats.updatesAcknowledged).toBe(stats.updatesGenerated);
  });

  it('paces launches at the rate it is given', async () => {
    const result = await runBenchScheduler({ master: master.url, tasks: 40, mode: 'one-per-accept', rate: 100, timeoutMs: 30_000 });
    expect(result).toMatchObject({ finished: 40, failed: 0 });
    // 40 launches at 100/s, 10 of them at once (0.1 s of burst), take at least 300 ms.
    expect(result.elapsedMs).toBeGreaterThanOrEqual(290);
    expect(result.launchRate).toBeLessThan(150);
  });

  it('reads a process memory figure from /proc', () => {
    expect(procStatusKiB(process.pid, 'VmRSS')).toBeGreaterThan(1000);
    expect(() => procStatusKiB(process.pid, 'NoSuchField')).toThrow('No NoSuchField');
  });

  it('rejects a simulation it cannot run, naming the option', () => {
    expect(() => simulateAgents({ master: master.url, count: 0 })).toThrow("Invalid 'count' 0");
    expect(() => simulateAgents({ master: master.url, count: 1, resources: 'cpus:x' })).toThrow("Invalid 'resources' 'cpus:x'");
  });

  it('disconnects every agent from the master when stopped', async () => {
    await sim.stop();
    await until(() => [...master.core.agents.values()].every((a) => a.session === undefined), 'the master to see the agents disconnect');
    expect(sim.stats().connected).toBe(0);
    expect(warnings).toEqual([]);
  });
});
