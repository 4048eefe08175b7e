import { agentUrl, applyEvent, capacity, countByState, emptyCluster, MAX_ENDED_TASKS, taskKey, usage } from './cluster';
import type { MasterEvent, Resource } from './types';

const scalar = (name: string, value: number): Resource => ({ name, type: 'SCALAR', scalar: { value } });

function subscribed(): MasterEvent {
  return {
    type: 'SUBSCRIBED',
    subscribed: {
      heartbeat_interval_seconds: 15,
      get_state: {
        get_agents: {
          agents: [
            {
              agent_info: { id: { value: 'S0' }, hostname: 'h0', port: 5051 },
              active: true,
              pid: 'slave(1)@10.0.0.1:5051',
              total_resources: [scalar('cpus', 4), scalar('mem', 4096), scalar('disk', 1000), { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }] } }],
            },
            { agent_info: { id: { value: 'S1' }, hostname: 'h1', port: 5052 }, active: true, total_resources: [scalar('cpus', 2), scalar('gpus', 1)] },
          ],
        },
        get_frameworks: {
          frameworks: [{ framework_info: { id: { value: 'F1' }, name: 'one', role: '*' }, active: true }],
          completed_frameworks: [{ framework_info: { id: { value: 'F0' }, name: 'old' } }],
        },
        get_tasks: {
          tasks: [{ task_id: { value: 't1' }, framework_id: { value: 'F1' }, agent_id: { value: 'S0' }, state: 'TASK_RUNNING', resources: [scalar('cpus', 0.1), scalar('mem', 32)] }],
          completed_tasks: [{ task_id: { value: 't0' }, framework_id: { value: 'F0' }, agent_id: { value: 'S0' }, state: 'TASK_FINISHED', resources: [scalar('cpus', 1)] }],
        },
      },
    },
  };
}

describe('applyEvent', () => {
  it('loads a SUBSCRIBED snapshot and sums used of total', () => {
    const state = emptyCluster();
    expect(applyEvent(state, subscribed(), 1000)).toBe(true);
    expect(state.loaded).toBe(true);
    expect(state.heartbeatSeconds).toBe(15);
    expect([...state.agents.keys()]).toEqual(['S0', 'S1']);
    expect(state.frameworks.get('F0')?.completed).toBe(true);
    expect(state.frameworks.get('F1')?.completed).toBe(false);
    expect(capacity(state)).toEqual({ cpus: 6, mem: 4096, disk: 1000, gpus: 1 });
    // The finished task holds nothing; the running one does.
    expect(usage(state).total).toEqual({ cpus: 0.1, mem: 32, disk: 0, gpus: 0 });
    expect(usage(state).byAgent.get('S0')).toEqual({ cpus: 0.1, mem: 32, disk: 0, gpus: 0 });
  });

  it('follows a task from TASK_ADDED through TASK_UPDATED to its end', () => {
    const state = emptyCluster();
    applyEvent(state, subscribed(), 1000);
    applyEvent(state, { type: 'TASK_ADDED', task_added: { task: { task_id: { value: 't2' }, framework_id: { value: 'F1' }, agent_id: { value: 'S1' }, state: 'TASK_STAGING', resources: [scalar('cpus', 0.2), scalar('cpus', 0.1)] } } }, 1001);
    expect(state.tasks.get(taskKey('F1', 't2'))?.state).toBe('TASK_STAGING');
    expect(usage(state).total.cpus).toBe(0.4);
    applyEvent(state, { type: 'TASK_UPDATED', task_updated: { framework_id: { value: 'F1' }, state: 'TASK_RUNNING', status: { task_id: { value: 't2' }, state: 'TASK_RUNNING', timestamp: 1002.5 } } }, 1002);
    const task = state.tasks.get(taskKey('F1', 't2'));
    expect(task?.state).toBe('TASK_RUNNING');
    expect(task?.updated).toBe(1002.5);
    applyEvent(state, { type: 'TASK_UPDATED', task_updated: { framework_id: { value: 'F1' }, state: 'TASK_FINISHED', status: { task_id: { value: 't2' }, state: 'TASK_FINISHED' } } }, 1003);
    expect(state.tasks.get(taskKey('F1', 't2'))?.statuses.map((s) => s.state)).toEqual(['TASK_RUNNING', 'TASK_FINISHED']);
    expect(usage(state).total.cpus).toBe(0.1);
    expect(countByState(state.tasks.values()).get('TASK_FINISHED')).toBe(2);
  });

  it('keeps an update for a task it never saw added', () => {
    const state = emptyCluster();
    expect(applyEvent(state, { type: 'TASK_UPDATED', task_updated: { framework_id: { value: 'F9' }, state: 'TASK_LOST', status: { task_id: { value: 'x' }, agent_id: { value: 'S9' } } } }, 5)).toBe(true);
    expect(state.tasks.get('F9/x')).toMatchObject({ state: 'TASK_LOST', agentId: 'S9', updated: 5 });
  });

  it('adds and removes agents and frameworks', () => {
    const state = emptyCluster();
    applyEvent(state, subscribed(), 1000);
    applyEvent(state, { type: 'AGENT_ADDED', agent_added: { agent: { agent_info: { id: { value: 'S2' } }, active: true } } }, 1);
    expect(state.agents.has('S2')).toBe(true);
    applyEvent(state, { type: 'AGENT_REMOVED', agent_removed: { agent_id: { value: 'S0' } } }, 1);
    expect(state.agents.has('S0')).toBe(false);
    applyEvent(state, { type: 'FRAMEWORK_ADDED', framework_added: { framework: { framework_info: { id: { value: 'F2' }, name: 'two' }, active: true } } }, 1);
    applyEvent(state, { type: 'FRAMEWORK_UPDATED', framework_updated: { framework: { framework_info: { id: { value: 'F2' }, name: 'two' }, active: false } } }, 1);
    expect(state.frameworks.get('F2')?.framework.active).toBe(false);
    applyEvent(state, { type: 'FRAMEWORK_REMOVED', framework_removed: { framework_info: { id: { value: 'F2' }, name: 'two' } } }, 1);
    expect(state.frameworks.get('F2')?.completed).toBe(true);
  });

  it('ignores heartbeats, unknown types and events missing their ids', () => {
    const state = emptyCluster();
    expect(applyEvent(state, { type: 'HEARTBEAT' }, 1)).toBe(false);
    expect(applyEvent(state, { type: 'SOMETHING_NEW' }, 1)).toBe(false);
    expect(applyEvent(state, { type: 'TASK_ADDED', task_added: { task: { name: 'no id' } } }, 1)).toBe(false);
    expect(applyEvent(state, { type: 'AGENT_ADDED', agent_added: {} }, 1)).toBe(false);
    expect(applyEvent(state, {}, 1)).toBe(false);
  });

  it('keeps at most MAX_ENDED_TASKS ended tasks, dropping the oldest', () => {
    const state = emptyCluster();
    for (let i = 0; i < MAX_ENDED_TASKS + 10; i++) {
      applyEvent(state, { type: 'TASK_ADDED', task_added: { task: { task_id: { value: `t${i}` }, framework_id: { value: 'F' }, state: 'TASK_FINISHED' } } }, 1);
    }
    applyEvent(state, { type: 'TASK_ADDED', task_added: { task: { task_id: { value: 'live' }, framework_id: { value: 'F' }, state: 'TASK_RUNNING' } } }, 1);
    expect(state.tasks.size).toBe(MAX_ENDED_TASKS + 1);
    expect(state.tasks.has('F/t0')).toBe(false);
    expect(state.tasks.has('F/live')).toBe(true);
  });
});

describe('agentUrl', () => {
  it('takes the address from the pid, else from hostname and port', () => {
    expect(agentUrl({ pid: 'slave(1)@10.0.0.1:5051' })).toBe('http://10.0.0.1:5051');
    expect(agentUrl({ agent_info: { hostname: 'h', port: 5052 } })).toBe('http://h:5052');
    expect(agentUrl({})).toBeUndefined();
  });
});
