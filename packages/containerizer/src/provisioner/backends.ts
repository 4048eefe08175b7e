/**
 * Provisioner backends (Mesos's provisioner/backends/): how cached layers become one container's root
 * filesystem.
 *
 * - **overlay**: an overlayfs mount, the layers as read-only lowerdirs and a per-container upper and work
 *   directory, so a container's writes never touch the cache. Instant, and no disk used per container.
 * - **copy**: the layers copied one over another into a fresh directory, whiteouts honoured. Works on any
 *   filesystem and kernel, costs a copy of the image per container.
 *
 * Mounts are made with util-linux's `mount`/`umount` (Node has no mount(2)).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, symlink, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { applyLayer } from './layers';

const execFileAsync = promisify(execFile);

/** The backends. */
export type BackendName = 'overlay' | 'copy';

/** A backend: assembles a rootfs from layers (bottom first) and takes it apart again. */
export interface Backend {
  readonly name: BackendName;
  /** Builds the root filesystem at `rootfs` (absent yet) using `scratch` (absent yet) for its own files. */
  provision(layerPaths: readonly string[], rootfs: string, scratch: string): Promise<void>;
}

// mountinfo(5) escapes space, tab, newline and backslash in paths as octal.
function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_m, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** Mount points at or under `dir` in this process's mount namespace, deepest first (the order to unmount). */
export async function mountsUnder(dir: string): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const points = text
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => p !== undefined)
    .map(unescapeMountPath)
    .filter((p) => p === dir || p.startsWith(prefix));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/**
 * Unmounts everything at or under `dir`, deepest first, lazily when a mount is busy, so that removing `dir`
 * afterwards cannot reach into a bind-mounted sandbox or the layer cache.
 */
export async function unmountAll(dir: string): Promise<void> {
  for (let round = 0; round < 8; round++) {
    const mounts = await mountsUnder(dir);
    if (mounts.length === 0) return;
    for (const point of mounts) {
      try {
        await execFileAsync('umount', [point]);
      } catch {
        await execFileAsync('umount', ['-l', point]).catch(() => undefined);
      }
    }
  }
  const left = await mountsUnder(dir);
  if (left.length > 0) throw new Error(`Failed to unmount ${left.join(', ')}`);
}

/** The overlay backend. */
export class OverlayBackend implements Backend {
  readonly name = 'overlay' as const;

  async provision(layerPaths: readonly string[], rootfs: string, scratch: string): Promise<void> {
    if (layerPaths.length === 0) throw new Error('An image without layers cannot be mounted');
    const upper = join(scratch, 'upperdir');
    const work = join(scratch, 'workdir');
    const links = join(scratch, 'links');
    for (const dir of [upper, work, links, rootfs]) await mkdir(dir, { recursive: true });
    // The mount options must fit in one page; short symlinks to the layers keep them small for any number of
    // layers. overlayfs wants the topmost lowerdir first.
    const lowers: string[] = [];
    for (const [i, layer] of layerPaths.entries()) {
      const linkPath = join(links, String(i));
      await symlink(layer, linkPath);
      lowers.unshift(linkPath);
    }
    for (const path of [...lowers, upper, work]) {
      if (/[,:\\]/.test(path)) throw new Error(`Path '${path}' holds a character overlayfs options cannot carry (',', ':' or '\\')`);
    }
    const options = `lowerdir=${lowers.join(':')},upperdir=${upper},workdir=${work}`;
    try {
      await execFileAsync('mount', ['-t', 'overlay', 'overlay', '-o', options, rootfs]);
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim();
      throw new Error(`Failed to mount overlay at '${rootfs}': ${stderr !== undefined && stderr !== '' ? stderr : (error as Error).message}`);
    }
  }
}

/** The copy backend. */
export class CopyBackend implements Backend {
  readonly name = 'copy' as const;

  async provision(layerPaths: readonly string[], rootfs: string, scratch: string): Promise<void> {
    await mkdir(scratch, { recursive: true });
    await mkdir(rootfs, { recursive: true });
    for (const layer of layerPaths) await applyLayer(layer, rootfs);
  }
}

/**
 * Whether overlayfs can be mounted with upper and work directories under `dir` (the kernel supports it, we
 * may mount, and the filesystem of `dir` can be an upper layer). Leaves nothing behind.
 */
export async function overlaySupported(dir: string): Promise<boolean> {
  const probe = join(dir, `.overlay-probe-${randomUUID()}`);
  try {
    await mkdir(join(probe, 'lower'), { recursive: true });
    await writeFile(join(probe, 'lower', 'file'), 'probe');
    await new OverlayBackend().provision([join(probe, 'lower')], join(probe, 'merged'), join(probe, 'scratch'));
    const seen = await readdir(join(probe, 'merged'));
    return seen.includes('file');
  } catch {
    return false;
  } finally {
    await unmountAll(probe).catch(() => undefined);
    await rm(probe, { recursive: true, force: true }).catch(() => undefined);
  }
}
