/**
 * Where the agent keeps things under `--work_dir`, as Mesos lays them out (src/slave/paths.cpp):
 *
 * ```
 * <work_dir>/meta/slaves/latest -> <work_dir>/meta/slaves/<agent id>      the agent's ID (a symlink)
 * <work_dir>/slaves/<agent id>/frameworks/<framework id>/executors/<executor id>/runs/<container id>
 * <work_dir>/slaves/<agent id>/frameworks/<framework id>/executors/<executor id>/runs/latest -> the current run
 * ```
 *
 * The directory names use the wire spelling ("slaves") because operators and tools look for it there.
 */
import { lstatSync, mkdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';

/** `<work_dir>/meta/slaves`. */
export function metaAgentsDir(workDir: string): string {
  return path.join(workDir, 'meta', 'slaves');
}

/** `<work_dir>/meta/slaves/latest`: the symlink naming the agent's current ID. */
export function latestAgentPath(workDir: string): string {
  return path.join(metaAgentsDir(workDir), 'latest');
}

/** The run directory (the sandbox) of one executor run. */
export function executorRunDir(workDir: string, agentId: string, frameworkId: string, executorId: string, containerId: string): string {
  return path.join(executorDir(workDir, agentId, frameworkId, executorId), 'runs', containerId);
}

/** `<work_dir>/slaves/<agent>/frameworks/<framework>/executors/<executor>`. */
export function executorDir(workDir: string, agentId: string, frameworkId: string, executorId: string): string {
  return path.join(workDir, 'slaves', agentId, 'frameworks', frameworkId, 'executors', executorId);
}

/**
 * Reads the agent ID persisted by {@link writeAgentId}: the name `latest` points at. A regular file holding the
 * ID is accepted too (hand-made work dirs). Undefined when there is none.
 */
export function readAgentId(workDir: string): Result<string | undefined> {
  const latest = latestAgentPath(workDir);
  try {
    const stat = lstatSync(latest, { throwIfNoEntry: false });
    if (stat === undefined) return ok(undefined);
    const id = stat.isSymbolicLink() ? path.basename(readlinkSync(latest)) : readFileSync(latest, 'utf8').trim();
    if (!isSafeId(id)) return err(new MesosTsError('INVALID_ARGUMENT', `Invalid agent ID '${id}' in '${latest}'`));
    return ok(id);
  } catch (e) {
    return err(new MesosTsError('INTERNAL', `Failed to read the agent ID from '${latest}': ${(e as Error).message}`, { cause: e }));
  }
}

/**
 * Persists `agentId`: creates `meta/slaves/<id>` and points `meta/slaves/latest` at it (replacing the link
 * atomically with a rename, so a crash never leaves no link at all).
 */
export function writeAgentId(workDir: string, agentId: string): Result<void> {
  if (!isSafeId(agentId)) return err(new MesosTsError('INVALID_ARGUMENT', `Invalid agent ID '${agentId}': not usable as a directory name`));
  const dir = metaAgentsDir(workDir);
  const latest = latestAgentPath(workDir);
  try {
    mkdirSync(path.join(dir, agentId), { recursive: true });
    const temporary = `${latest}.${process.pid}.tmp`;
    rmSync(temporary, { force: true });
    symlinkSync(path.join(dir, agentId), temporary);
    renameSync(temporary, latest);
    return ok(undefined);
  } catch (e) {
    return err(new MesosTsError('INTERNAL', `Failed to persist the agent ID in '${latest}': ${(e as Error).message}`, { cause: e }));
  }
}

/** Removes `meta/slaves/latest`, so that the next start registers as a new agent. */
export function forgetAgentId(workDir: string): void {
  rmSync(latestAgentPath(workDir), { force: true });
}

/**
 * Creates an executor run's sandbox and points `runs/latest` at it, as Mesos's `createExecutorDirectory`.
 * Handing it to the task's user is the containerizer's job (it knows the user it switches to).
 * Returns the sandbox path or why it could not be made.
 */
export function createExecutorRunDir(
  workDir: string,
  ids: { readonly agentId: string; readonly frameworkId: string; readonly executorId: string; readonly containerId: string },
): Result<string> {
  for (const [name, value] of Object.entries(ids)) {
    if (!isSafeId(value)) {
      return err(new MesosTsError('INVALID_ARGUMENT', `Invalid ${name} '${value}': not usable as a directory name`));
    }
  }
  const run = executorRunDir(workDir, ids.agentId, ids.frameworkId, ids.executorId, ids.containerId);
  const latest = path.join(path.dirname(run), 'latest');
  try {
    mkdirSync(run, { recursive: true });
    rmSync(latest, { force: true });
    symlinkSync(run, latest);
    return ok(run);
  } catch (e) {
    return err(new MesosTsError('INTERNAL', `Failed to create executor directory '${run}': ${(e as Error).message}`, { cause: e }));
  }
}

/**
 * IDs become path components, so they follow Mesos's `validateID` (common/validation.cpp): non-empty, at most
 * 255 characters, not `.` or `..`, no slashes or control characters. Checked before touching the filesystem.
 */
export function isSafeId(id: string): boolean {
  return id.length > 0 && id.length <= 255 && id !== '.' && id !== '..' && !/[/\\\u0000-\u001f\u007f]/.test(id);
}
