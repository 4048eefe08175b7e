/**
 * Draining on the agent, as Mesos 1.11's agent does it (src/slave/slave.cpp: `Slave::drain`, the checks in `run`
 * and `statusUpdate`, `updateDrainStatus`): the master's DRAIN carries a DrainConfig; the agent checkpoints it, kills
 * every task (the kill grace period capped by `max_grace_period`), drops tasks that arrive while it drains
 * (TASK_DROPPED, REASON_AGENT_DRAINING), marks the kills it reports as caused by the drain, and forgets the drain once
 * it has no framework left. The master keeps the agent deactivated (no offers) until REACTIVATE_AGENT.
 *
 * This module holds the pure parts and the checkpoint; agent-core.ts applies them.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import { TaskState, TaskStatus_Reason, decodeProtobuf, encodeProtobuf, type DrainConfig, type KillPolicy, type TaskStatus } from '@mesos-ts/proto';
import { metaAgentsDir } from './paths';

/** `<work_dir>/meta/slaves/<agent id>/drain.config`, where Mesos checkpoints the DrainConfig. */
export function drainConfigPath(workDir: string, agentId: string): string {
  return path.join(metaAgentsDir(workDir), agentId, 'drain.config');
}

/** Checkpoints the config (protobuf), so that an agent restarted mid-drain knows it is draining. */
export function checkpointDrainConfig(workDir: string, agentId: string, config: DrainConfig): Result<void> {
  const file = drainConfigPath(workDir, agentId);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, encodeProtobuf('mesos.v1.DrainConfig', config));
    // Renamed over the old one: a crash leaves the old config or the new one, never half of one.
    renameSync(`${file}.tmp`, file);
    return ok(undefined);
  } catch (e) {
    return err(new MesosTsError('INTERNAL', `Failed to checkpoint the drain config to '${file}': ${(e as Error).message}`, { cause: e }));
  }
}

/** The checkpointed config, if any. A file that does not decode is an error naming it. */
export function readDrainConfig(workDir: string, agentId: string): Result<DrainConfig | undefined> {
  const file = drainConfigPath(workDir, agentId);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return ok(undefined);
    return err(new MesosTsError('INTERNAL', `Failed to read the drain config '${file}': ${(e as Error).message}`, { cause: e }));
  }
  const decoded = decodeProtobuf('mesos.v1.DrainConfig', bytes);
  if (!decoded.ok) return err(new MesosTsError('INTERNAL', `Invalid drain config in '${file}': ${decoded.error.message}`, { cause: decoded.error }));
  return ok(decoded.value);
}

/** Removes the checkpoint (the drain is complete). */
export function removeDrainConfig(workDir: string, agentId: string): Result<void> {
  const file = drainConfigPath(workDir, agentId);
  try {
    rmSync(file, { force: true });
    return ok(undefined);
  } catch (e) {
    return err(new MesosTsError('INTERNAL', `Failed to remove the drain config '${file}': ${(e as Error).message}`, { cause: e }));
  }
}

/**
 * The kill policy a task is killed with during a drain: `max_grace_period` when the task has no grace period or a
 * longer one, otherwise none (the executor uses the task's own policy), as Mesos's agent computes it.
 */
export function drainKillPolicy(config: DrainConfig, taskPolicy: KillPolicy | undefined): KillPolicy | undefined {
  const cap = config.maxGracePeriod;
  if (cap === undefined) return undefined;
  const own = taskPolicy?.gracePeriod?.nanoseconds;
  if (own === undefined || (cap.nanoseconds ?? 0n) < own) return { gracePeriod: { nanoseconds: cap.nanoseconds ?? 0n } };
  return undefined;
}

/**
 * How a status update reads while the agent drains: TASK_KILLING / TASK_KILLED get REASON_AGENT_DRAINING, and with
 * `mark_gone` a PARTITION_AWARE framework is told TASK_GONE_BY_OPERATOR instead (the agent will not come back).
 * Returns the status unchanged when nothing applies, else a copy.
 */
export function drainingStatus(config: DrainConfig, status: TaskStatus, partitionAware: boolean): TaskStatus {
  if (status.state !== TaskState.TASK_KILLING && status.state !== TaskState.TASK_KILLED) return status;
  const changed: TaskStatus = { ...status, reason: TaskStatus_Reason.REASON_AGENT_DRAINING };
  if (config.markGone === true && partitionAware) changed.state = TaskState.TASK_GONE_BY_OPERATOR;
  return changed;
}

/** The message of the TASK_DROPPED a task gets when it arrives while the agent drains. */
export const DROPPED_WHILE_DRAINING = 'Task was received while agent was already draining';
