/**
 * Persistent volumes on the agent's disk (Mesos's `paths::getPersistentVolumePath` in src/slave/paths.cpp and the
 * posix filesystem isolator, src/slave/containerizer/mesos/isolators/filesystem/posix.cpp):
 *
 * ```
 * <work_dir>/volumes/roles/<role>/<persistence id>     a volume on the agent's root disk ('/' in the role -> ' ')
 * <root>/volumes/roles/<role>/<persistence id>         on a PATH disk whose source root is <root>
 * <root>                                               on a MOUNT disk
 * <sandbox>/<container_path> -> the volume              what a task or executor using it sees (a symlink)
 * ```
 *
 * Directories are made when a volume is created and removed when it is destroyed; a volume outlives the tasks
 * that use it. The linux launcher's bind mounts are not done here (later).
 */
import { lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import { Resource_DiskInfo_Source_Type, type Resource } from '@mesos-ts/proto';
import { Resources, type ResourceEntry } from '@mesos-ts/resources';
import { isSafeId } from './paths';

/**
 * Where a persistent volume lives. Errors (never a path outside the volume root) when the persistence ID or the
 * role cannot be a directory name, or the resource is not a reserved persistent volume.
 */
export function persistentVolumePath(workDir: string, volume: ResourceEntry): Result<string> {
  const id = volume.disk?.persistence?.id;
  const role = volume.reservationRole;
  if (id === undefined || role === undefined) return err(new MesosTsError('INVALID_ARGUMENT', `${volume.toString()} is not a reserved persistent volume`));
  if (!isSafeId(id)) return err(new MesosTsError('INVALID_ARGUMENT', `Invalid persistence ID '${id}': not usable as a directory name`));
  // Role components are validated by the master ('.', '..', whitespace are not roles); '/' separates them.
  const serialised = role.replace(/\//g, ' ');
  if (!isSafeId(serialised)) return err(new MesosTsError('INVALID_ARGUMENT', `Invalid role '${role}' for a volume directory`));
  const source = volume.disk?.source;
  if (source?.type === Resource_DiskInfo_Source_Type.MOUNT && source.mount?.root !== undefined) return ok(source.mount.root);
  const root = source?.type === Resource_DiskInfo_Source_Type.PATH && source.path?.root !== undefined ? source.path.root : workDir;
  return ok(path.join(root, 'volumes', 'roles', serialised, id));
}

/** The directory of every persistent volume in `resources`, keyed by path. */
function volumeDirectories(workDir: string, resources: Resources): Result<Map<string, ResourceEntry>> {
  const out = new Map<string, ResourceEntry>();
  for (const entry of resources.persistentVolumes().toArray()) {
    const where = persistentVolumePath(workDir, entry);
    if (!where.ok) return where;
    out.set(where.value, entry);
  }
  return ok(out);
}

/** Makes the directory of each persistent volume in `resources` (existing ones are kept as they are). */
export function createVolumeDirectories(workDir: string, resources: Resources): Result<string[]> {
  const dirs = volumeDirectories(workDir, resources);
  if (!dirs.ok) return dirs;
  for (const dir of dirs.value.keys()) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      return err(new MesosTsError('INTERNAL', `Failed to create persistent volume directory '${dir}': ${(e as Error).message}`, { cause: e }));
    }
  }
  return ok([...dirs.value.keys()]);
}

/**
 * Removes the directories of volumes in `before` that are not in `after` (destroyed), with their contents. A
 * volume that only changed size (GROW/SHRINK) keeps its directory. MOUNT disk roots are emptied, not removed.
 */
export function removeVolumeDirectories(workDir: string, before: Resources, after: Resources): Result<string[]> {
  const old = volumeDirectories(workDir, before);
  if (!old.ok) return old;
  const kept = volumeDirectories(workDir, after);
  if (!kept.ok) return kept;
  const removed: string[] = [];
  for (const [dir, entry] of old.value) {
    if (kept.value.has(dir)) continue;
    try {
      if (entry.disk?.source?.type === Resource_DiskInfo_Source_Type.MOUNT) {
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
      } else {
        rmSync(dir, { recursive: true, force: true });
      }
      removed.push(dir);
    } catch (e) {
      return err(new MesosTsError('INTERNAL', `Failed to remove persistent volume directory '${dir}': ${(e as Error).message}`, { cause: e }));
    }
  }
  return ok(removed);
}

/** What {@link linkVolumes} did. */
export interface LinkedVolumes {
  /** Links made or found in place: `<sandbox>/<container_path>`. */
  readonly links: readonly string[];
  /** Volumes skipped, with why (a container path with a slash, as Mesos's posix isolator skips). */
  readonly skipped: readonly string[];
}

/**
 * Makes each persistent volume in `resources` appear in the sandbox as `<sandbox>/<container_path>`, a symlink
 * to the volume's directory (made if missing). A link already pointing there is kept; anything else at that path
 * is an error (the task must not silently see something else).
 */
export function linkVolumes(workDir: string, sandbox: string, resources: readonly Resource[]): Result<LinkedVolumes> {
  const parsed = Resources.fromProto(resources);
  if (!parsed.ok) return parsed;
  const links: string[] = [];
  const skipped: string[] = [];
  for (const entry of parsed.value.persistentVolumes().toArray()) {
    const containerPath = entry.disk?.volume?.containerPath ?? '';
    if (containerPath === '' || containerPath.includes('/') || containerPath === '.' || containerPath === '..') {
      skipped.push(`Skipping the link for persistent volume ${entry.toString()}: container path '${containerPath}' is not a plain name`);
      continue;
    }
    const target = persistentVolumePath(workDir, entry);
    if (!target.ok) return target;
    const link = path.join(sandbox, containerPath);
    try {
      mkdirSync(target.value, { recursive: true });
      const existing = lstatSync(link, { throwIfNoEntry: false });
      if (existing !== undefined) {
        if (existing.isSymbolicLink() && readlinkSync(link) === target.value) {
          links.push(link);
          continue;
        }
        return err(new MesosTsError('CONFLICT', `Cannot link persistent volume ${entry.toString()} at '${link}': the path exists`));
      }
      symlinkSync(target.value, link);
      links.push(link);
    } catch (e) {
      return err(new MesosTsError('INTERNAL', `Failed to link persistent volume '${target.value}' at '${link}': ${(e as Error).message}`, { cause: e }));
    }
  }
  return ok({ links, skipped });
}
