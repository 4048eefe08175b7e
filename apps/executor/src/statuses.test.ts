import { FrameworkInfo_Capability_Type, TaskState, TaskStatus_Reason } from '@mesos-ts/proto';
import { derivedStatus, durationMs, gracePeriodMs, hasCapability, isTerminalState, newStatus } from './statuses';

describe('statuses', () => {
  it('knows the terminal states', () => {
    expect([TaskState.TASK_FINISHED, TaskState.TASK_FAILED, TaskState.TASK_KILLED, TaskState.TASK_ERROR, TaskState.TASK_LOST, TaskState.TASK_DROPPED].every(isTerminalState)).toBe(true);
    expect([TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_KILLING, TaskState.TASK_STAGING, undefined].some(isTerminalState)).toBe(false);
  });

  it('reads capabilities and durations', () => {
    expect(hasCapability({ user: 'u', name: 'n', capabilities: [{ type: FrameworkInfo_Capability_Type.TASK_KILLING_STATE }] }, FrameworkInfo_Capability_Type.TASK_KILLING_STATE)).toBe(true);
    expect(hasCapability(undefined, FrameworkInfo_Capability_Type.TASK_KILLING_STATE)).toBe(false);
    expect(durationMs({ nanoseconds: 1_500_000_000n })).toBe(1500);
    expect(durationMs({ nanoseconds: 1_500n })).toBeCloseTo(0.0015);
    expect(durationMs({ nanoseconds: -5n })).toBe(0);
    expect(gracePeriodMs(undefined)).toBeUndefined();
    expect(gracePeriodMs({})).toBeUndefined();
    expect(gracePeriodMs({ gracePeriod: { nanoseconds: 0n } })).toBe(0);
  });

  it('derives a health update from the last status with a new uuid', () => {
    const running = newStatus('t', TaskState.TASK_RUNNING, { containerId: { value: 'c' } });
    const health = derivedStatus(running, { reason: TaskStatus_Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED, healthy: false });
    expect(health.state).toBe(TaskState.TASK_RUNNING);
    expect(health.containerStatus).toEqual({ containerId: { value: 'c' } });
    expect(health.healthy).toBe(false);
    expect(Buffer.from(health.uuid ?? []).equals(Buffer.from(running.uuid ?? []))).toBe(false);
    expect(health.uuid).toHaveLength(16);
  });
});
