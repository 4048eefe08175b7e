/** The agent's drain helpers: kill policy capping, status rewriting, and the checkpointed config. */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { TaskState, TaskStatus_Reason } from '@mesos-ts/proto';
import { checkpointDrainConfig, drainConfigPath, drainKillPolicy, drainingStatus, readDrainConfig, removeDrainConfig } from '../src/drain';

const s = (n: number): bigint => BigInt(n) * 1_000_000_000n;

describe('drainKillPolicy', () => {
  it('caps the grace period at max_grace_period, and leaves shorter ones alone', () => {
    const config = { maxGracePeriod: { nanoseconds: s(5) } };
    expect(drainKillPolicy(config, undefined)).toEqual({ gracePeriod: { nanoseconds: s(5) } });
    expect(drainKillPolicy(config, {})).toEqual({ gracePeriod: { nanoseconds: s(5) } });
    expect(drainKillPolicy(config, { gracePeriod: { nanoseconds: s(30) } })).toEqual({ gracePeriod: { nanoseconds: s(5) } });
    expect(drainKillPolicy(config, { gracePeriod: { nanoseconds: s(2) } })).toBeUndefined();
    expect(drainKillPolicy({}, { gracePeriod: { nanoseconds: s(30) } })).toBeUndefined();
    expect(drainKillPolicy({ maxGracePeriod: { nanoseconds: 0n } }, { gracePeriod: { nanoseconds: s(1) } })).toEqual({ gracePeriod: { nanoseconds: 0n } });
  });
});

describe('drainingStatus', () => {
  const killed = { taskId: { value: 't' }, state: TaskState.TASK_KILLED, reason: TaskStatus_Reason.REASON_COMMAND_EXECUTOR_FAILED };
  it('marks kills as caused by the drain', () => {
    expect(drainingStatus({}, killed, false)).toEqual({ ...killed, reason: TaskStatus_Reason.REASON_AGENT_DRAINING });
    expect(drainingStatus({}, { ...killed, state: TaskState.TASK_KILLING }, true).reason).toBe(TaskStatus_Reason.REASON_AGENT_DRAINING);
  });
  it('reports TASK_GONE_BY_OPERATOR to partition-aware frameworks when the agent will be marked gone', () => {
    expect(drainingStatus({ markGone: true }, killed, true).state).toBe(TaskState.TASK_GONE_BY_OPERATOR);
    expect(drainingStatus({ markGone: true }, killed, false).state).toBe(TaskState.TASK_KILLED);
  });
  it('leaves other states alone (the same object)', () => {
    const finished = { taskId: { value: 't' }, state: TaskState.TASK_FINISHED };
    expect(drainingStatus({ markGone: true }, finished, true)).toBe(finished);
  });
});

describe('the drain checkpoint', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'drain-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips under meta/slaves/<id>/drain.config and is removed', () => {
    expect(readDrainConfig(dir, 'S1')).toEqual({ ok: true, value: undefined });
    const config = { maxGracePeriod: { nanoseconds: s(10) }, markGone: true };
    expect(checkpointDrainConfig(dir, 'S1', config).ok).toBe(true);
    expect(drainConfigPath(dir, 'S1')).toBe(path.join(dir, 'meta', 'slaves', 'S1', 'drain.config'));
    expect(readDrainConfig(dir, 'S1')).toEqual({ ok: true, value: config });
    expect(removeDrainConfig(dir, 'S1').ok).toBe(true);
    expect(existsSync(drainConfigPath(dir, 'S1'))).toBe(false);
  });

  it('names the file when it does not decode', () => {
    checkpointDrainConfig(dir, 'S2', {});
    writeFileSync(drainConfigPath(dir, 'S2'), Buffer.from([0xff, 0xff, 0xff]));
    const read = readDrainConfig(dir, 'S2');
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.error.message).toContain(drainConfigPath(dir, 'S2'));
  });
});
