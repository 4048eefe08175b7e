/**
 * FileInfo (the v1 protobuf `mesos.v1.FileInfo`) and its JSON model on `/files/browse` (pure): `mode` as an
 * `ls -l` string, `mtime` in seconds, `uid` / `gid` as names.
 */
import type { FileInfo } from '@mesos-ts/proto';

// File type bits of st_mode (POSIX values, the same on every platform Node runs Mesos on).
const S_IFMT = 0o170000;
const TYPE_CHARS: ReadonlyMap<number, string> = new Map([
  [0o100000, '-'], // regular
  [0o040000, 'd'], // directory
  [0o020000, 'c'], // character device
  [0o060000, 'b'], // block device
  [0o010000, 'p'], // FIFO
  [0o120000, 'l'], // symbolic link
  [0o140000, 's'], // socket
]);

/** `st_mode` as `ls -l` prints it, e.g. `drwxr-xr-x` (unknown types print `-`, as Mesos does). */
export function modeString(mode: number): string {
  const type = TYPE_CHARS.get(mode & S_IFMT) ?? '-';
  let out = type;
  for (const shift of [6, 3, 0]) {
    const bits = (mode >> shift) & 0o7;
    out += (bits & 4 ? 'r' : '-') + (bits & 2 ? 'w' : '-') + (bits & 1 ? 'x' : '-');
  }
  return out;
}

/** One entry of `/files/browse`, Mesos's JSON model of a FileInfo. */
export interface FileInfoJson {
  readonly path: string;
  readonly nlink: number;
  readonly size: number;
  /** Seconds since the epoch. */
  readonly mtime: number;
  /** e.g. `-rw-r--r--`. */
  readonly mode: string;
  readonly uid: string;
  readonly gid: string;
}

/** The JSON model of `info` (missing fields as zero / empty, which a FileInfo from {@link Files} never has). */
export function fileInfoJson(info: FileInfo): FileInfoJson {
  const nanoseconds = info.mtime?.nanoseconds ?? 0n;
  return {
    path: info.path ?? '',
    nlink: info.nlink ?? 0,
    size: Number(info.size ?? 0n),
    mtime: Number(nanoseconds / 1_000_000_000n),
    mode: modeString(info.mode ?? 0),
    uid: info.uid ?? '',
    gid: info.gid ?? '',
  };
}
