import { DrainState, TaskState, Value_Type, master, type Resource } from '@mesos-ts/proto';
import { agentOrigin, findSandbox } from '../operator/sandbox';
import { agentRows } from './agent';
import { formatExplanation } from './explain';
import { frameworkRows } from './framework';
import { findTask, selectTasks, taskRows } from './task';

const scalar = (name: string, value: number): Resource => ({ name, type: Value_Type.SCALAR, scalar: { value } });

describe('mesos agent list rows', () => {
  it('shows ID, host:port, state and allocated/total resources, sorted by host', () => {
    const agents: master.Response_GetAgents_Agent[] = [
      { agentInfo: { id: { value: 'S1' }, hostname: 'b', port: 5051 }, active: true, version: '1.11.0', totalResources: [scalar('cpus', 4), scalar('mem', 1024)], allocatedResources: [scalar('cpus', 0.5)] },
      { agentInfo: { id: { value: 'S0' }, hostname: 'a', port: 5052 }, active: true, deactivated: true, drainInfo: { state: DrainState.DRAINED }, totalResources: [scalar('cpus', 2)] },
      { agentInfo: { id: { value: 'S2' }, hostname: 'c' }, active: false, deactivated: true },
    ];
    expect(agentRows(agents)).toEqual([
      ['S0', 'a:5052', 'DRAINED', '0/2', '-', '-', '-', ''],
      ['S1', 'b:5051', 'ACTIVE', '0.5/4', '0/1024', '-', '-', '1.11.0'],
      ['S2', 'c', 'DEACTIVATED', '-', '-', '-', '-', ''],
    ]);
  });
});

describe('mesos framework list rows', () => {
  const frameworks: master.Response_GetFrameworks = {
    frameworks: [{ frameworkInfo: { id: { value: 'F1' }, name: 'one', roles: ['a', 'b'], user: 'u' }, active: true, connected: true, allocatedResources: [scalar('cpus', 1), scalar('mem', 32)], registeredTime: { nanoseconds: 1_700_000_000_000_000_000n } }],
    completedFrameworks: [{ frameworkInfo: { id: { value: 'F0' }, name: 'old', user: 'u' }, active: false }],
  };

  it('shows subscribed frameworks, and completed ones with --all', () => {
    expect(frameworkRows(frameworks, false)).toEqual([['F1', 'one', 'a,b', 'ACTIVE', '1', '32', '0', '2023-11-14T22:13:20Z']]);
    expect(frameworkRows(frameworks, true)[1]).toEqual(['F0', 'old', '*', 'COMPLETED', '0', '0', '0', '-']);
  });
});

describe('mesos task list and task lookup', () => {
  const tasks: master.Response_GetTasks = {
    tasks: [
      { taskId: { value: 'web-1' }, name: 'web', frameworkId: { value: 'F1' }, agentId: { value: 'S1' }, state: TaskState.TASK_RUNNING, resources: [scalar('cpus', 0.5), scalar('mem', 64)] },
      { taskId: { value: 'web-2' }, name: 'web', frameworkId: { value: 'F2' }, agentId: { value: 'S1' }, state: TaskState.TASK_STAGING },
    ],
    completedTasks: [{ taskId: { value: 'done' }, frameworkId: { value: 'F1' }, agentId: { value: 'S9' }, state: TaskState.TASK_FINISHED }],
  };

  it('selects active tasks, completed ones with --all, and filters by framework', () => {
    expect(selectTasks(tasks, false).map((t) => t.taskId?.value)).toEqual(['web-1', 'web-2']);
    expect(selectTasks(tasks, true).map((t) => t.taskId?.value)).toEqual(['web-1', 'web-2', 'done']);
    expect(selectTasks(tasks, true, 'F1').map((t) => t.taskId?.value)).toEqual(['web-1', 'done']);
  });

  it('shows hostnames for agent IDs it knows', () => {
    expect(taskRows(selectTasks(tasks, true), new Map([['S1', 'node-1']]))).toEqual([
      ['web-1', 'web', 'TASK_RUNNING', 'F1', 'node-1', 'cpus:0.5; mem:64'],
      ['web-2', 'web', 'TASK_STAGING', 'F2', 'node-1', '-'],
      ['done', '', 'TASK_FINISHED', 'F1', 'S9', '-'],
    ]);
  });

  it('finds a task by ID or unique prefix, and says why it cannot', () => {
    expect(findTask(tasks, 'done').taskId?.value).toBe('done');
    expect(findTask(tasks, 'do').taskId?.value).toBe('done');
    expect(() => findTask(tasks, 'web')).toThrow("'web' matches 2 tasks (web-1, web-2); give more of the ID");
    expect(() => findTask(tasks, 'nope')).toThrow("no task 'nope' (see 'mesos task list --all')");
    const twice: master.Response_GetTasks = { tasks: [{ taskId: { value: 't' }, frameworkId: { value: 'A' } }, { taskId: { value: 't' }, frameworkId: { value: 'B' } }] };
    expect(() => findTask(twice, 't')).toThrow('task \'t\' exists in 2 frameworks; pick one with --framework (A, B)');
    expect(findTask(twice, 't', 'B').frameworkId?.value).toBe('B');
  });
});

describe('sandbox lookup', () => {
  const state = {
    frameworks: [
      {
        id: 'F1',
        executors: [
          { id: 'cmd', directory: '/w/cmd', type: 'COMMAND', tasks: [{ id: 'cmd' }] },
          { id: 'default-executor', directory: '/w/group', type: 'DEFAULT', tasks: [{ id: 'one' }], completed_tasks: [{ id: 'two' }] },
        ],
        completed_executors: [{ id: 'old', directory: '/w/old', type: 'COMMAND', completed_tasks: [{ id: 'old' }] }],
      },
    ],
  };

  it("finds a command task's executor directory and a group task's own sandbox", () => {
    expect(findSandbox(state, { taskId: { value: 'cmd' }, frameworkId: { value: 'F1' } })).toBe('/w/cmd');
    expect(findSandbox(state, { taskId: { value: 'two' }, frameworkId: { value: 'F1' }, executorId: { value: 'default-executor' } })).toBe('/w/group/tasks/two');
    expect(findSandbox(state, { taskId: { value: 'old' }, frameworkId: { value: 'F1' } })).toBe('/w/old');
    expect(findSandbox(state, { taskId: { value: 'cmd' }, frameworkId: { value: 'F2' } })).toBeUndefined();
    expect(findSandbox(null, { taskId: { value: 'cmd' } })).toBeUndefined();
  });

  it("takes an agent's address from its pid, else from hostname:port", () => {
    expect(agentOrigin({ pid: 'slave(1)@10.0.0.5:5051', agentInfo: { hostname: 'n' } })).toBe('http://10.0.0.5:5051');
    expect(agentOrigin({ agentInfo: { hostname: 'n', port: 5052 } })).toBe('http://n:5052');
  });
});

describe('mesos explain', () => {
  it('prints each reason with its kind', () => {
    expect(formatExplanation({ framework_id: 'F1', reasons: [{ kind: 'SUPPRESSED', role: 'eng' }], summary: ["Role 'eng' is suppressed"] })).toBe("Framework F1:\n  - Role 'eng' is suppressed [SUPPRESSED]\n");
    expect(formatExplanation({ framework_id: 'F1', reasons: [], summary: [] })).toBe('Framework F1:\n  nothing stands in the way of offers to it right now\n');
  });
});
