/**
 * Image layers on disk: extracting a layer tarball (plain or gzip) with node-tar, with Docker/OCI whiteouts
 * turned into what the chosen backend understands, and applying plain layers one over another (the copy
 * backend). Whiteouts (the AUFS convention Docker and OCI layers use):
 *
 * - `dir/.wh.name`: `name` of the layers below is deleted;
 * - `dir/.wh..wh..opq`: `dir` is opaque, nothing of the layers below shows inside it.
 *
 * The *overlay* form turns them into overlayfs's own markers (a 0/0 character device for a deleted name, the
 * `trusted.overlay.opaque=y` xattr on an opaque directory), so the layers can be lowerdirs as they are. The
 * *plain* form keeps the `.wh.` files, and {@link applyLayer} honours them while copying.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, lchown, link, lstat, lutimes, mkdir, readdir, readlink, rm, symlink, copyFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';
import { setAttribute } from '@napi-rs/xattr';
import * as tar from 'tar';

const execFileAsync = promisify(execFile);

/** The whiteout file-name prefix and the opaque-directory marker. */
export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';

/** How a layer is laid out on disk: with overlayfs markers, or with the `.wh.` files kept. */
export type LayerFormat = 'overlay' | 'plain';

/** The sha256 of a file, as `sha256:<hex>`. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

// Tar entry names come as `./a/b`, `a/b/` or `/a/b`; whiteout bookkeeping needs one spelling. Names that climb out
// of the layer are refused here (node-tar refuses to write them as well).
function cleanEntryPath(path: string): string | undefined {
  const normal = posix.normalize(`/${path}`).replace(/^\/+/, '').replace(/\/+$/, '');
  if (normal === '' || normal === '.' || normal.split('/').includes('..')) return undefined;
  return normal;
}

/** What an extraction found besides files: the whiteouts applied and the entries node-tar skipped. */
export interface ExtractReport {
  readonly whiteouts: number;
  readonly opaques: number;
  /** Warnings node-tar gave for entries it does not create (device nodes, for example). */
  readonly skipped: readonly string[];
}

// Warnings that mean the archive itself is broken or could not be written: the layer must not be used.
const FATAL_WARNINGS = new Set(['TAR_BAD_ARCHIVE', 'TAR_ABORT', 'TAR_ENTRY_ERROR', 'TAR_ENTRY_INVALID']);

/**
 * Extracts the layer tarball `file` (tar or tar.gz) into the existing, empty directory `dest` in `format`.
 * Ownership is kept when running as root, modes exactly as the archive says. Throws when the archive is
 * corrupt or an entry cannot be written (the caller discards `dest`).
 */
export async function extractLayer(file: string, dest: string, format: LayerFormat): Promise<ExtractReport> {
  const whiteouts: string[] = [];
  const opaques: string[] = [];
  const skipped: string[] = [];
  let fatal: string | undefined;
  const isRoot = process.getuid?.() === 0;
  // node-tar creates files through open(2) with the entry's mode, which the process umask trims (0o777 comes
  // out 0o755); the modes are recorded here and set exactly once extraction is done.
  const modes = new Map<string, number>();
  await tar.x({
    file,
    cwd: dest,
    preserveOwner: isRoot,
    chmod: true,
    onReadEntry: (entry) => {
      if ((entry.type === 'File' || entry.type === 'OldFile' || entry.type === 'ContiguousFile' || entry.type === 'Directory') && typeof entry.mode === 'number') {
        const clean = cleanEntryPath(entry.path);
        if (clean !== undefined) modes.set(clean, entry.mode & 0o7777);
      }
    },
    // A later entry for the same path replaces the earlier one, as in a layer written by `docker save`.
    unlink: true,
    maxDepth: Infinity,
    filter: (path) => {
      if (format === 'plain') return true;
      const clean = cleanEntryPath(path);
      if (clean === undefined) return true; // node-tar refuses it and warns
      const base = posix.basename(clean);
      if (base === OPAQUE_MARKER) {
        opaques.push(posix.dirname(clean));
        return false;
      }
      if (base.startsWith(WHITEOUT_PREFIX)) {
        whiteouts.push(posix.join(posix.dirname(clean), base.slice(WHITEOUT_PREFIX.length)));
        return false;
      }
      return true;
    },
    onwarn: (code, message) => {
      if (FATAL_WARNINGS.has(code)) fatal ??= `${code}: ${String(message)}`;
      else skipped.push(`${code}: ${String(message)}`);
    },
  });
  if (fatal !== undefined) throw new Error(`Layer archive '${file}' could not be extracted: ${fatal}`);
  for (const [path, mode] of modes) {
    const target = join(dest, path);
    const current = await lstat(target).catch(() => undefined);
    if (current !== undefined && !current.isSymbolicLink() && (current.mode & 0o7777) !== mode) await chmod(target, mode);
  }

  if (format === 'overlay') {
    for (const dir of opaques) {
      const target = dir === '.' ? dest : join(dest, dir);
      await mkdir(target, { recursive: true });
      await setAttribute(target, 'trusted.overlay.opaque', 'y');
    }
    if (whiteouts.length > 0) {
      const targets: string[] = [];
      for (const name of whiteouts) {
        const target = join(dest, name);
        await mkdir(join(target, '..'), { recursive: true });
        await rm(target, { recursive: true, force: true });
        targets.push(target);
      }
      // Node has no mknod(2); coreutils' mknod makes one node per call, so one shell loops over them all.
      for (let i = 0; i < targets.length; i += 500) {
        await execFileAsync('/bin/sh', ['-c', 'for f; do mknod "$f" c 0 0 || exit 1; done', 'sh', ...targets.slice(i, i + 500)]);
      }
    }
  }
  return { whiteouts: whiteouts.length, opaques: opaques.length, skipped };
}

async function lstatOrUndefined(path: string) {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function emptyDirectory(dir: string): Promise<void> {
  for (const name of await readdir(dir)) await rm(join(dir, name), { recursive: true, force: true });
}

/**
 * Applies a plain-format layer onto `rootfs` (the copy backend): whiteouts delete what lower layers put
 * there, an opaque marker empties its directory first, everything else is copied with its owner, mode and
 * times; a name whose type changes (a file that becomes a directory) replaces what was there; hard links
 * inside the layer stay hard links.
 */
export async function applyLayer(layer: string, rootfs: string): Promise<void> {
  const isRoot = process.getuid?.() === 0;
  const linked = new Map<string, string>(); // `dev:ino` of a layer file -> its copy, for hard links
  const apply = async (src: string, dst: string): Promise<void> => {
    const entries = await readdir(src, { withFileTypes: true });
    if (entries.some((e) => e.name === OPAQUE_MARKER)) await emptyDirectory(dst);
    for (const entry of entries) {
      if (entry.name !== OPAQUE_MARKER && entry.name.startsWith(WHITEOUT_PREFIX)) {
        await rm(join(dst, entry.name.slice(WHITEOUT_PREFIX.length)), { recursive: true, force: true });
      }
    }
    for (const entry of entries) {
      if (entry.name.startsWith(WHITEOUT_PREFIX)) continue;
      const from = join(src, entry.name);
      const to = join(dst, entry.name);
      const stat = await lstat(from);
      const existing = await lstatOrUndefined(to);
      if (stat.isDirectory()) {
        if (existing !== undefined && !existing.isDirectory()) await rm(to, { force: true });
        if (existing === undefined || !existing.isDirectory()) await mkdir(to);
        await apply(from, to);
      } else {
        if (existing !== undefined) await rm(to, { recursive: true, force: true });
        if (stat.isSymbolicLink()) {
          await symlink(await readlink(from), to);
        } else if (stat.isFile()) {
          const key = `${stat.dev}:${stat.ino}`;
          const first = stat.nlink > 1 ? linked.get(key) : undefined;
          if (first !== undefined) {
            await link(first, to);
            continue;
          }
          await copyFile(from, to);
          if (stat.nlink > 1) linked.set(key, to);
        } else {
          // Device nodes, fifos and sockets are not created from layers (node-tar skips them on extraction too).
          continue;
        }
      }
      if (isRoot) await lchown(to, stat.uid, stat.gid);
      // chown clears set-id bits, so the mode comes after it; symlinks have no mode of their own on Linux.
      if (!stat.isSymbolicLink()) await chmod(to, stat.mode & 0o7777);
      await lutimes(to, stat.atime, stat.mtime);
    }
  };
  await apply(layer, rootfs);
}
