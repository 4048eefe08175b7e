/**
 * Unpacking fetched archives into the sandbox: tar (plain or gzip-compressed) with `tar` (node-tar), tar.bz2 and
 * tar.xz through the system's `bzip2 -dc` / `xz -dc` into the same unpacker (node-tar has no bzip2 or xz codec;
 * Mesos leaves bare `.gz` files to `gunzip` likewise), zip with `yauzl`, bare `.gz` files with zlib.
 *
 * The fetcher runs as root while the archive comes from a framework, so every entry is checked: no absolute
 * paths, no `..`, no hard links out, no writing through a symbolic link (an earlier entry, or anything already in
 * the sandbox), no device files, no setuid/setgid bits. Any violation fails the extraction with a message naming
 * the entry ("zip slip" and its tar cousins).
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, lchown, lstat, mkdir, rename, symlink, unlink } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Unpack, type ReadEntry } from 'tar';
import * as yauzl from 'yauzl';
import { FetchFailure, partialPath, type ReadAs } from './download';
import type { ArchiveKind } from './uri';

/** Options of {@link extractArchive}. */
export interface ExtractOptions {
  /** Owner of everything extracted (only applied when running as root). */
  readonly owner?: ReadAs | undefined;
  readonly signal: AbortSignal;
}

const isRoot = (): boolean => process.getuid?.() === 0;

/**
 * Why an archive entry's name is unsafe, or undefined when it is a plain relative path. Backslashes are
 * refused as well: on Linux they are name characters, but an archive made for Windows means them as separators.
 */
export function unsafeEntryName(name: string): string | undefined {
  if (name.includes('\0')) return 'contains NUL';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'is an absolute path';
  if (name.split(/[/\\]/).includes('..')) return "contains '..'";
  return undefined;
}

/**
 * Makes the directories of `relative` below `root`, one component at a time, refusing to pass through anything
 * that is not a real directory: a symbolic link planted by an archive must not lead a root-owned write outside.
 */
export async function makeDirectoriesInside(root: string, relative: string, owner?: ReadAs): Promise<void> {
  let current = root;
  for (const part of relative.split('/').filter((p) => p !== '' && p !== '.')) {
    current = join(current, part);
    let info;
    try {
      info = await lstat(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await mkdir(current, { mode: 0o755 }).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'EEXIST') throw e;
      });
      if (owner && isRoot()) await lchown(current, owner.uid, owner.gid);
      continue;
    }
    if (info.isSymbolicLink()) throw new FetchFailure(`'${current}' is a symbolic link; refusing to write through it`);
    if (!info.isDirectory()) throw new FetchFailure(`'${current}' exists and is not a directory`);
  }
}

/** Runs a decompressor and yields its output; its failure (status, stderr) fails the stream. */
function decompress(program: string, archive: string, signal: AbortSignal): Readable {
  const child = spawn(program, ['-dc', '--', archive], { stdio: ['ignore', 'pipe', 'pipe'], signal });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    if (stderr.length < 4096) stderr += chunk;
  });
  child.on('error', (error: NodeJS.ErrnoException) => {
    const why = error.code === 'ENOENT' ? `'${program}' is not installed` : error.message;
    child.stdout.destroy(new FetchFailure(why));
  });
  child.on('exit', (code, signalName) => {
    if (code !== 0 && !signal.aborted) {
      const why = stderr.trim() || (signalName ? `killed by ${signalName}` : `exit status ${code}`);
      child.stdout.destroy(new FetchFailure(`'${program} -dc' failed: ${why}`));
    }
  });
  return child.stdout;
}

async function extractTar(kind: ArchiveKind, archive: string, destination: string, options: ExtractOptions): Promise<void> {
  let violation: string | undefined;
  const fail = (message: string): void => {
    violation ??= message;
    unpack.abort(new FetchFailure(message));
  };
  const chown = options.owner && isRoot() ? { uid: options.owner.uid, gid: options.owner.gid } : {};
  const unpack: Unpack = new Unpack({
    cwd: destination,
    preserveOwner: false,
    ...chown,
    // Checked first, before node-tar's own checks (which would only skip the entry with a warning).
    filter: (path: string, entry: ReadEntry | unknown) => {
      const readEntry = entry as ReadEntry;
      const unsafe = unsafeEntryName(path);
      if (unsafe) {
        fail(`entry '${path}' ${unsafe}`);
        return false;
      }
      const link = readEntry.linkpath;
      if (readEntry.type === 'Link' && link && unsafeEntryName(link)) {
        fail(`hard link '${path}' points outside the archive ('${link}')`);
        return false;
      }
      if (readEntry.type === 'SymbolicLink' && link) {
        const resolved = posix.normalize(posix.join(posix.dirname(path), link));
        if (link.startsWith('/') || resolved === '..' || resolved.startsWith('../')) {
          fail(`symbolic link '${path}' points outside the sandbox ('${link}')`);
          return false;
        }
      }
      // No setuid/setgid/sticky from a framework's archive: the files are written as root.
      if (readEntry.mode !== undefined) readEntry.mode &= 0o777;
      return true;
    },
    onwarn: (code: string, message: string | Error) => {
      const text = message instanceof Error ? message.message : message;
      // Devices and FIFOs are skipped (Mesos's libarchive would create them as root); everything else is fatal.
      if (code === 'TAR_ENTRY_ERROR' || code === 'TAR_BAD_ARCHIVE' || code === 'TAR_ABORT') fail(text);
    },
  });
  const input =
    kind === 'tbz2'
      ? decompress('bzip2', archive, options.signal)
      : kind === 'txz'
        ? decompress('xz', archive, options.signal)
        : createReadStream(archive);
  try {
    await pipeline(input, unpack, { signal: options.signal });
  } catch (error) {
    if (options.signal.aborted) throw new FetchFailure('fetch cancelled');
    throw new FetchFailure(violation ?? (error instanceof Error ? error.message : String(error)));
  }
  if (violation) throw new FetchFailure(violation);
}

/** Unix file type bits of a zip entry made on Unix (upper 16 bits of the external attributes). */
function unixMode(entry: yauzl.Entry): number | undefined {
  const madeOnUnix = entry.versionMadeBy >> 8 === 3;
  const mode = entry.externalFileAttributes >>> 16;
  return madeOnUnix && mode !== 0 ? mode : undefined;
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function extractZip(archive: string, destination: string, options: ExtractOptions): Promise<void> {
  const owner = options.owner && isRoot() ? options.owner : undefined;
  let zip: yauzl.ZipFile;
  try {
    // yauzl refuses absolute and `..` names itself (decodeStrings validates them); we check again below.
    zip = await yauzl.openPromise(archive, { decodeStrings: true, validateEntrySizes: true, strictFileNames: false });
  } catch (error) {
    throw new FetchFailure(`not a readable zip file: ${(error as Error).message}`);
  }
  try {
    for await (const entry of zip.eachEntry()) {
      if (options.signal.aborted) throw new FetchFailure('fetch cancelled');
      const name = entry.fileName;
      const unsafe = unsafeEntryName(name);
      if (unsafe) throw new FetchFailure(`entry '${name}' ${unsafe}`);
      const mode = unixMode(entry);
      const type = mode === undefined ? undefined : mode & 0o170000;
      const target = join(destination, name);
      if (name.endsWith('/') || type === 0o040000) {
        await makeDirectoriesInside(destination, name, owner);
        continue;
      }
      if (entry.isEncrypted()) throw new FetchFailure(`entry '${name}' is encrypted`);
      await makeDirectoriesInside(destination, posix.dirname(name), owner);
      const content = await zip.openReadStreamPromise(entry);
      if (type === 0o120000) {
        const link = await readAll(content);
        const resolved = posix.normalize(posix.join(posix.dirname(name), link));
        if (link.startsWith('/') || resolved === '..' || resolved.startsWith('../')) {
          throw new FetchFailure(`symbolic link '${name}' points outside the sandbox ('${link}')`);
        }
        await unlink(target).catch(() => undefined);
        await symlink(link, target);
        if (owner) await lchown(target, owner.uid, owner.gid);
        continue;
      }
      if (type !== undefined && type !== 0o100000) {
        content.destroy();
        continue; // devices, FIFOs, sockets: skipped, as for tar
      }
      const temporary = partialPath(target);
      try {
        await pipeline(content, createWriteStream(temporary, { flags: 'wx', mode: 0o600 }), { signal: options.signal });
        await chmod(temporary, mode === undefined ? 0o644 : mode & 0o777);
        if (owner) await lchown(temporary, owner.uid, owner.gid);
        await rename(temporary, target);
      } catch (error) {
        await unlink(temporary).catch(() => undefined);
        throw error;
      }
    }
  } catch (error) {
    if (options.signal.aborted) throw new FetchFailure('fetch cancelled');
    if (error instanceof FetchFailure) throw error;
    throw new FetchFailure((error as Error).message);
  } finally {
    zip.close();
  }
}

/** Decompresses a bare `.gz` file to `<destination>/<name without .gz>` (as Mesos leaves it to gunzip). */
async function extractGzip(archive: string, destination: string, options: ExtractOptions): Promise<void> {
  const target = join(destination, basename(archive).slice(0, -'.gz'.length));
  const temporary = partialPath(target);
  try {
    await pipeline(createReadStream(archive), createGunzip(), createWriteStream(temporary, { flags: 'wx', mode: 0o644 }), {
      signal: options.signal,
    });
    if (options.owner && isRoot()) await lchown(temporary, options.owner.uid, options.owner.gid);
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    if (options.signal.aborted) throw new FetchFailure('fetch cancelled');
    throw new FetchFailure(`gunzip failed: ${(error as Error).message}`);
  }
}

/**
 * Unpacks `archive` (of the given kind) into `destination`. Throws {@link FetchFailure} with Mesos's wording:
 * "Failed to extract archive '<archive>' to '<destination>': <why>".
 */
export async function extractArchive(
  kind: ArchiveKind,
  archive: string,
  destination: string,
  options: ExtractOptions,
): Promise<void> {
  try {
    if (kind === 'zip') await extractZip(archive, destination, options);
    else if (kind === 'gz') await extractGzip(archive, destination, options);
    else await extractTar(kind, archive, destination, options);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    if (why === 'fetch cancelled') throw new FetchFailure(why);
    throw new FetchFailure(`Failed to extract archive '${archive}' to '${destination}': ${why}`);
  }
}
