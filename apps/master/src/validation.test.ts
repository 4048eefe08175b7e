import { AgentInfo_Capability_Type, ExecutorInfo_Type, FrameworkInfo_Capability_Type, Offer_Operation_Type, scheduler, type ExecutorInfo, type TaskInfo } from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import { agentCapabilities, frameworkCapabilities } from './model';
import { idError, preserveImmutableFields, roleError, validateFramework, validateFrameworkUpdate, validateSchedulerCall, validateOperation, validateTask, validateTaskGroup, type LaunchContext } from './validation';

const MULTI_ROLE = [{ type: FrameworkInfo_Capability_Type.MULTI_ROLE }];
const ctx = { isCompleted: (id: string) => id === 'done' };

describe('framework validation', () => {
  it.each([
    [{ user: 'u', roles: ['a'] }, "'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable"],
    [{ user: 'u', role: 'a', capabilities: MULTI_ROLE }, "'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable"],
    [{ user: 'u', roles: ['a', 'b', 'a'], capabilities: MULTI_ROLE }, "'FrameworkInfo.roles' contains duplicate items: { a }"],
    [{ user: 'u', roles: ['a/'], capabilities: MULTI_ROLE }, "'FrameworkInfo.roles' contains invalid role: Role 'a/' cannot end with a slash"],
    [{ user: 'u', role: '-x' }, "'FrameworkInfo.role' is not a valid role: Role component '-x' is invalid because it starts with a dash"],
    [{ user: 'u', id: { value: 'a/b' } }, "'a/b' contains invalid characters"],
    [{ user: 'u', id: { value: 'done' } }, 'Framework has been removed'],
    [{ user: 'u', failoverTimeout: Number.POSITIVE_INFINITY }, 'The framework failover_timeout (Infinity) is invalid'],
  ])('refuses %j', (info, message) => {
    expect(validateFramework(info, [], ctx)).toBe(message);
  });

  it('checks suppressed roles and the --roles whitelist', () => {
    expect(validateFramework({ user: 'u', role: 'a' }, ['b'], ctx)).toBe("Suppressed role 'b' is not contained in the list of roles");
    expect(validateFramework({ user: 'u', roles: ['a', 'x'], capabilities: MULTI_ROLE }, [], { ...ctx, roleWhitelist: ['a'] })).toBe("Roles { x } are not present in the master's --roles");
    expect(validateFramework({ user: 'u' }, [], { ...ctx, roleWhitelist: ['a'] })).toBeUndefined();
  });

  it('allows no change of principal, user or checkpoint, and keeps user and checkpoint on resubscription', () => {
    expect(validateFrameworkUpdate({ user: 'u', principal: 'p' }, { user: 'u', principal: 'q' })).toBe("Changing framework's principal is not allowed.");
    expect(validateFrameworkUpdate({ user: 'u', checkpoint: true }, { user: 'u' })).toBe("Updating 'FrameworkInfo.checkpoint' is unsupported; attempted to update from 'true' to 'false'");
    expect(preserveImmutableFields({ user: 'u', checkpoint: true }, { user: 'v', name: 'n' })).toEqual({ user: 'u', checkpoint: true, name: 'n' });
  });

  it('validates roles and IDs with Mesos messages', () => {
    expect(roleError('*')).toBeUndefined();
    expect(roleError('a//b')).toBe("Role 'a//b' cannot contain two adjacent slashes");
    expect(roleError('a b')).toBe("Role component 'a b' is invalid because it contains backspace or whitespace");
    expect(idError('')).toBe('ID must not be empty');
    expect(idError('x'.repeat(256))).toBe('ID must not be greater than 255 characters');
  });
});

describe('scheduler call validation', () => {
  const T = scheduler.Call_Type;
  it.each([
    [{}, "Expecting 'type' to be present"],
    [{ type: T.SUBSCRIBE }, "Expecting 'subscribe' to be present"],
    [{ type: T.SUBSCRIBE, frameworkId: { value: 'x' }, subscribe: { frameworkInfo: { user: 'u', name: 'n' } } }, "'framework_id' differs from 'subscribe.framework_info.id'"],
    [{ type: T.KILL }, "Expecting 'framework_id' to be present"],
    [{ type: T.KILL, frameworkId: { value: 'f' } }, "Expecting 'kill' to be present"],
    [{ type: T.ACKNOWLEDGE, frameworkId: { value: 'f' }, acknowledge: { uuid: Buffer.alloc(3) } }, 'Not a valid UUID'],
    [{ type: T.ACKNOWLEDGE_OPERATION_STATUS, frameworkId: { value: 'f' }, acknowledgeOperationStatus: { uuid: Buffer.alloc(16) } }, "Expecting 'agent_id' to be present"],
  ])('refuses %j', (call, message) => {
    expect(validateSchedulerCall(call as scheduler.Call)).toBe(message);
  });

  it('accepts a SUBSCRIBE whose IDs agree and calls without a body that need none', () => {
    expect(validateSchedulerCall({ type: T.SUBSCRIBE, subscribe: { frameworkInfo: { user: 'u', name: 'n' } } })).toBeUndefined();
    expect(validateSchedulerCall({ type: T.REVIVE, frameworkId: { value: 'f' } })).toBeUndefined();
    expect(validateSchedulerCall({ type: T.TEARDOWN, frameworkId: { value: 'f' } })).toBeUndefined();
  });
});

describe('task validation', () => {
  const resources = Resources.mustParse('cpus:1;mem:64').allocate('*').toProto();
  const context = (overrides: Partial<LaunchContext> = {}): LaunchContext => ({
    frameworkId: 'fw',
    agentId: 'agent',
    agent: agentCapabilities([]),
    framework: frameworkCapabilities({}),
    taskIdInUse: (id) => (id === 'running' ? 'live' : id === 'lost-one' ? 'unreachable' : undefined),
    runningExecutor: () => undefined,
    ...overrides,
  });
  const task = (overrides: Partial<TaskInfo> = {}): TaskInfo => ({ name: 't', taskId: { value: 't' }, agentId: { value: 'agent' }, resources, command: { value: 'true' }, ...overrides });
  const executor: ExecutorInfo = { executorId: { value: 'e' }, frameworkId: { value: 'fw' }, command: { value: 'x' }, resources };

  it('accepts a command task and a custom-executor task', () => {
    expect(validateTask(task(), context())).toBeUndefined();
    const { command: _c, ...noCommand } = task();
    expect(validateTask({ ...noCommand, executor }, context())).toBeUndefined();
  });

  it.each([
    [{ taskId: { value: 'running' } }, 'Task has duplicate ID: running'],
    [{ taskId: { value: 'lost-one' } }, 'Task reuses the ID of an unreachable task: lost-one'],
    [{ agentId: { value: 'other' } }, 'Task uses invalid agent other while agent agent is expected'],
    [{ resources: [] }, 'Task uses no resources'],
    [{ executor }, 'Task should have at least one (but not both) of CommandInfo or ExecutorInfo present'],
    [{ resources: Resources.mustParse('cpus:1').toProto() }, 'Invalid task resources: The resources are not allocated to a role'],
    [{ killPolicy: { gracePeriod: { nanoseconds: -1n } } }, "Task's 'kill_policy.grace_period' must be non-negative"],
    [{ limits: { cpus: { value: 2 } } }, 'Agent is not capable of handling task resource limits'],
  ])('refuses a task with %j', (overrides, message) => {
    expect(validateTask(task(overrides as Partial<TaskInfo>), context())).toBe(message);
  });

  it('refuses an executor that differs from the running one with the same ID, or has no framework ID', () => {
    const { command: _c, ...noCommand } = task();
    const running = { ...executor, command: { value: 'other' } };
    expect(validateTask({ ...noCommand, executor }, context({ runningExecutor: () => running }))).toBe('ExecutorInfo is not compatible with existing ExecutorInfo with same ExecutorID.');
    const { frameworkId: _f, ...anonymous } = executor;
    expect(validateTask({ ...noCommand, executor: anonymous }, context())).toBe("'ExecutorInfo.framework_id' must be set");
  });

  it('validates task groups and their executor', () => {
    const groupExecutor: ExecutorInfo = { ...executor, type: ExecutorInfo_Type.DEFAULT, resources: Resources.mustParse('cpus:0.1;mem:32;disk:10').allocate('*').toProto() };
    delete groupExecutor.command;
    const member = { ...task(), executor: groupExecutor };
    delete (member as Partial<TaskInfo>).command;
    expect(validateTaskGroup({ tasks: [member] }, groupExecutor, context())).toBeUndefined();
    expect(validateTaskGroup({ tasks: [{ ...member, taskId: { value: 'running' } }] }, groupExecutor, context())).toBe("Task 'running' is invalid: Task has duplicate ID: running");
    const small = { ...groupExecutor, resources: Resources.mustParse('cpus:0.001;mem:32;disk:1').allocate('*').toProto() };
    expect(validateTaskGroup({ tasks: [{ ...member, executor: small }] }, small, context())).toBe("Executor 'e' uses less CPUs (0.001) than the minimum required (0.01)");
  });
});

describe('operation feedback', () => {
  const reserve: Parameters<typeof validateOperation>[0] = { type: Offer_Operation_Type.RESERVE, id: { value: 'r1' }, reserve: { resources: [] } };
  const context = (types: AgentInfo_Capability_Type[]): Parameters<typeof validateOperation>[1] => ({
    frameworkRoles: new Set(['eng']),
    framework: frameworkCapabilities({ user: 'u', role: 'eng' }),
    agent: agentCapabilities(types.map((type) => ({ type }))),
    agentId: 'a1',
    volumeInUse: () => false,
  });

  it('needs RESOURCE_PROVIDER and AGENT_OPERATION_FEEDBACK on the agent, with Mesos messages', () => {
    expect(validateOperation(reserve, context([AgentInfo_Capability_Type.MULTI_ROLE]))).toBe(
      'Operation requested feedback, but agent a1 does not have the required RESOURCE_PROVIDER capability',
    );
    expect(validateOperation(reserve, context([AgentInfo_Capability_Type.RESOURCE_PROVIDER]))).toBe(
      'Operation on agent default resources requested feedback, but agent a1 does not have the required AGENT_OPERATION_FEEDBACK and RESOURCE_PROVIDER capabilities',
    );
    expect(validateOperation(reserve, context([AgentInfo_Capability_Type.RESOURCE_PROVIDER, AgentInfo_Capability_Type.AGENT_OPERATION_FEEDBACK]))).toBeUndefined();
  });
});
