/**
 * The files service (Mesos's `Files`, the process behind `/files/*` and LIST_FILES / READ_FILE): real files and
 * directories attached under virtual paths, and the three things clients do with them.
 *
 * Confinement: a request path is matched to an attachment (virtual-path.ts; `..` may not climb above it), then
 * resolved on disk with `realpath`, and the result must still be inside the attachment's real path, so a
 * symbolic link a task leaves in its sandbox cannot expose the agent's files. Reads and downloads open the file
 * without blocking (a FIFO cannot hang the daemon), accept only regular files, and on Linux check again, through
 * `/proc/self/fd`, that what was opened is inside the attachment (a link swapped in between the check and the
 * open is caught).
 */
import { constants, createReadStream, realpathSync } from 'node:fs';
import { open, readdir, readlink, realpath, stat, type FileHandle } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import type { FileInfo } from '@mesos-ts/proto';
import { createIdNames, type IdNames } from './id-names';
import { components, isWithin, matchAttachment, normalizeVirtualPath, printable, type AttachmentMatch } from './virtual-path';

/** Mesos reads at most 16 pages per request (`os::pagesize() * 16`). */
export const DEFAULT_MAX_READ_LENGTH = 16 * 4096;

/** Options of {@link Files}. */
export interface FilesOptions {
  /** The most bytes one read returns. Default {@link DEFAULT_MAX_READ_LENGTH}. */
  readonly maxReadLength?: number;
  /** Owner names for FileInfo. Default: from /etc/passwd and /etc/group. */
  readonly idNames?: IdNames;
}

/** What a read returns. */
export interface ReadResult {
  /** The file's size in bytes. */
  readonly size: number;
  /** Where `data` starts: the requested offset, or the size when the offset was -1 (size only). */
  readonly offset: number;
  readonly data: Buffer;
}

/** A file to send whole (`/files/download`). */
export interface Download {
  /** The file's name (the last component of its real path). */
  readonly name: string;
  readonly size: number;
  /** The file's bytes; it owns the open file and closes it at its end (destroy it if it is not consumed). */
  readonly stream: Readable;
}

/** A request path resolved to a real path inside its attachment. */
export interface Resolved {
  /** The request path, normalized, with `..` applied. */
  readonly virtualPath: string;
  /** The real path (symbolic links resolved). */
  readonly realPath: string;
  /** The attachment's real path. */
  readonly realRoot: string;
}

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW;

function errnoOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

function notFound(path: string): MesosTsError {
  return new MesosTsError('NOT_FOUND', `No such file or directory: '${printable(path)}'`);
}

function virtualOf(match: AttachmentMatch): string {
  if (match.rest.length === 0) return match.virtualRoot;
  return `${match.virtualRoot === '/' ? '' : match.virtualRoot}/${match.rest.join('/')}`;
}

/** See the module comment. */
export class Files {
  readonly #attachments = new Map<string, string>();
  readonly #maxReadLength: number;
  readonly #ids: IdNames;

  constructor(options: FilesOptions = {}) {
    this.#maxReadLength = options.maxReadLength ?? DEFAULT_MAX_READ_LENGTH;
    this.#ids = options.idNames ?? createIdNames();
  }

  /**
   * Makes `realPath` (a file or a directory; symbolic links resolved now) reachable as `virtualPath`, replacing
   * what was attached there. INVALID_ARGUMENT for a virtual path with `..` (or empty); NOT_FOUND when
   * `realPath` does not exist.
   */
  attach(realPath: string, virtualPath: string): Result<void> {
    const normalized = normalizeVirtualPath(virtualPath);
    if (!normalized.ok) return normalized;
    if (components(normalized.value).includes('..')) {
      return err(new MesosTsError('INVALID_ARGUMENT', `Cannot attach at '${printable(virtualPath)}': it contains '..'`));
    }
    let real: string;
    try {
      real = realpathSync(realPath);
    } catch (e) {
      const code = errnoOf(e) === 'ENOENT' || errnoOf(e) === 'ENOTDIR' ? 'NOT_FOUND' : 'INTERNAL';
      return err(new MesosTsError(code, `Failed to get realpath of '${printable(realPath)}': ${(e as Error).message}`, { cause: e }));
    }
    this.#attachments.set(normalized.value, real);
    return ok(undefined);
  }

  /** Removes the attachment at `virtualPath`. Returns whether there was one. */
  detach(virtualPath: string): boolean {
    const normalized = normalizeVirtualPath(virtualPath);
    return normalized.ok && this.#attachments.delete(normalized.value);
  }

  /** Virtual path -> real path of every attachment (`/files/debug`). */
  get attachments(): ReadonlyMap<string, string> {
    return this.#attachments;
  }

  /**
   * Resolves a request path: INVALID_ARGUMENT for a malformed path or one that leads out of its attachment
   * (by `..` or by a symbolic link), NOT_FOUND when nothing is attached there or the file does not exist.
   */
  async resolve(path: string): Promise<Result<Resolved>> {
    const normalized = normalizeVirtualPath(path);
    if (!normalized.ok) return normalized;
    const match = matchAttachment(this.#attachments, normalized.value);
    if (!match.ok) return match;
    if (match.value === undefined) return err(notFound(path));
    const { realRoot, rest } = match.value;
    let real: string;
    try {
      real = await realpath(join(realRoot, ...rest));
    } catch (e) {
      const code = errnoOf(e);
      if (code === 'ENOENT' || code === 'ENOTDIR') return err(notFound(path));
      if (code === 'ELOOP' || code === 'ENAMETOOLONG') {
        return err(new MesosTsError('INVALID_ARGUMENT', `Cannot resolve '${printable(path)}': ${(e as Error).message}`, { cause: e }));
      }
      return err(new MesosTsError('INTERNAL', `Failed to resolve '${printable(path)}': ${(e as Error).message}`, { cause: e }));
    }
    if (!isWithin(realRoot, real)) {
      return err(new MesosTsError('INVALID_ARGUMENT', `Path '${printable(path)}' leads outside of '${match.value.virtualRoot}'`));
    }
    return ok({ virtualPath: virtualOf(match.value), realPath: real, realRoot });
  }

  /**
   * Lists a directory (its entries, sorted by path; entries that vanish or cannot be stat'ed are left out) or
   * describes one file (a list of one). Paths in the answer are virtual.
   */
  async browse(path: string): Promise<Result<FileInfo[]>> {
    const resolved = await this.resolve(path);
    if (!resolved.ok) return resolved;
    const { virtualPath, realPath } = resolved.value;
    let info;
    try {
      info = await stat(realPath);
    } catch (e) {
      return errnoOf(e) === 'ENOENT' ? err(notFound(path)) : err(new MesosTsError('INTERNAL', `Failed to stat '${printable(path)}': ${(e as Error).message}`, { cause: e }));
    }
    if (!info.isDirectory()) return ok([this.#fileInfo(virtualPath, info)]);
    let names: string[];
    try {
      names = await readdir(realPath);
    } catch (e) {
      return err(new MesosTsError('INTERNAL', `Failed to list '${printable(path)}': ${(e as Error).message}`, { cause: e }));
    }
    const prefix = virtualPath === '/' ? '' : virtualPath;
    const entries = await Promise.all(
      names.map(async (name) => {
        try {
          return this.#fileInfo(`${prefix}/${name}`, await stat(join(realPath, name)));
        } catch {
          return undefined; // gone since readdir, or a dangling link: left out, as Mesos does
        }
      }),
    );
    const out = entries.filter((e): e is FileInfo => e !== undefined);
    out.sort((a, b) => (a.path! < b.path! ? -1 : a.path! > b.path! ? 1 : 0));
    return ok(out);
  }

  /**
   * Reads up to `length` bytes (at most the read limit; all of it when undefined) from `offset`. `offset` -1
   * answers the size only (with `offset` set to the size); an offset at or past the end answers no data.
   * INVALID_ARGUMENT for a directory or anything but a regular file, or a negative offset / length.
   */
  async read(path: string, offset: number, length?: number): Promise<Result<ReadResult>> {
    if (!Number.isSafeInteger(offset) || offset < -1) return err(new MesosTsError('INVALID_ARGUMENT', `Negative offset provided: ${offset}.\n`));
    if (length !== undefined && (!Number.isSafeInteger(length) || length < 0)) {
      return err(new MesosTsError('INVALID_ARGUMENT', `Negative length provided: ${length}.\n`));
    }
    const opened = await this.#openRegular(path, 'read');
    if (!opened.ok) return opened;
    const { handle, size } = opened.value;
    try {
      if (offset === -1) return ok({ size, offset: size, data: Buffer.alloc(0) });
      const want = Math.min(length ?? this.#maxReadLength, this.#maxReadLength, Math.max(0, size - offset));
      if (want <= 0) return ok({ size, offset, data: Buffer.alloc(0) });
      const buffer = Buffer.alloc(want);
      const { bytesRead } = await handle.read(buffer, 0, want, offset);
      return ok({ size, offset, data: buffer.subarray(0, bytesRead) });
    } catch (e) {
      return err(new MesosTsError('INTERNAL', `Failed to read '${printable(path)}': ${(e as Error).message}`, { cause: e }));
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  /** Opens a regular file to send whole. INVALID_ARGUMENT for a directory or anything but a regular file. */
  async download(path: string): Promise<Result<Download>> {
    const opened = await this.#openRegular(path, 'download');
    if (!opened.ok) return opened;
    const { handle, size, realPath } = opened.value;
    if (size === 0) {
      await handle.close().catch(() => undefined);
      return ok({ name: basename(realPath), size, stream: Readable.from([]) });
    }
    // The stream takes the descriptor over and closes it at its end or when destroyed. It stops at the size seen
    // now, so a file that grows while it is sent still matches the announced length.
    const stream = createReadStream('', { fd: handle, autoClose: true, start: 0, end: size - 1 });
    return ok({ name: basename(realPath), size, stream });
  }

  async #openRegular(path: string, verb: 'read' | 'download'): Promise<Result<{ handle: FileHandle; size: number; realPath: string }>> {
    const resolved = await this.resolve(path);
    if (!resolved.ok) return resolved;
    const { realPath, realRoot } = resolved.value;
    let handle: FileHandle;
    try {
      handle = await open(realPath, OPEN_FLAGS);
    } catch (e) {
      const code = errnoOf(e);
      if (code === 'ENOENT') return err(notFound(path));
      if (code === 'ELOOP') return err(new MesosTsError('INVALID_ARGUMENT', `Path '${printable(path)}' changed into a symbolic link`));
      return err(new MesosTsError('INTERNAL', `Failed to open file at '${printable(path)}': ${(e as Error).message}`, { cause: e }));
    }
    try {
      const info = await handle.stat();
      if (info.isDirectory()) return await closing(handle, new MesosTsError('INVALID_ARGUMENT', `Cannot ${verb} a directory.\n`));
      if (!info.isFile()) return await closing(handle, new MesosTsError('INVALID_ARGUMENT', `Cannot ${verb} '${printable(path)}': not a regular file`));
      const opened = await openedPath(handle);
      if (opened !== undefined && !isWithin(realRoot, opened)) {
        return await closing(handle, new MesosTsError('INVALID_ARGUMENT', `Path '${printable(path)}' leads outside of its attached directory`));
      }
      return ok({ handle, size: info.size, realPath });
    } catch (e) {
      return closing(handle, new MesosTsError('INTERNAL', `Failed to open file at '${printable(path)}': ${(e as Error).message}`, { cause: e }));
    }
  }

  #fileInfo(path: string, info: { nlink: number; size: number; mtimeMs: number; mode: number; uid: number; gid: number }): FileInfo {
    return {
      path,
      nlink: info.nlink,
      size: BigInt(info.size),
      mtime: { nanoseconds: BigInt(Math.floor(info.mtimeMs / 1000)) * 1_000_000_000n },
      mode: info.mode,
      uid: this.#ids.user(info.uid),
      gid: this.#ids.group(info.gid),
    };
  }
}

async function closing<T>(handle: FileHandle, error: MesosTsError): Promise<Result<T>> {
  await handle.close().catch(() => undefined);
  return err(error);
}

/** The path the kernel has for an open file (Linux); undefined where /proc is not there to ask. */
async function openedPath(handle: FileHandle): Promise<string | undefined> {
  try {
    return await readlink(`/proc/self/fd/${handle.fd}`);
  } catch {
    return undefined;
  }
}
