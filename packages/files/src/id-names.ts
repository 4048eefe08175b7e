/**
 * User and group names for FileInfo's `uid` / `gid` (Mesos asks getpwuid / getgrgid). Node has no such call, so
 * the names come from `/etc/passwd` and `/etc/group`, read at most once per `ttlMs`; an ID without a name there
 * (e.g. one that only NSS/LDAP knows) is shown as its number, as Mesos does when the lookup fails.
 */
import { readFileSync } from 'node:fs';

/** Turns numeric owner IDs into names. */
export interface IdNames {
  user(uid: number): string;
  group(gid: number): string;
}

/** Options of {@link createIdNames}. */
export interface IdNamesOptions {
  readonly passwdPath?: string;
  readonly groupPath?: string;
  /** How long a reading of the files is trusted. Default 60 s. */
  readonly ttlMs?: number;
  /** Milliseconds clock. Default `Date.now`. */
  readonly now?: () => number;
}

/** Parses `name:x:id:...` lines into id -> name (the first name of an ID wins, as getpwuid returns it). */
export function parseIdFile(text: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const fields = line.split(':');
    const name = fields[0];
    const id = Number(fields[2]);
    if (name === undefined || name === '' || fields[2] === undefined || !/^\d+$/.test(fields[2])) continue;
    if (!out.has(id)) out.set(id, name);
  }
  return out;
}

function readIds(path: string): Map<number, string> {
  try {
    return parseIdFile(readFileSync(path, 'utf8'));
  } catch {
    return new Map(); // no such file (e.g. a minimal container): numbers only
  }
}

/** Names from `/etc/passwd` and `/etc/group`, cached (see the module comment). */
export function createIdNames(options: IdNamesOptions = {}): IdNames {
  const passwdPath = options.passwdPath ?? '/etc/passwd';
  const groupPath = options.groupPath ?? '/etc/group';
  const ttlMs = options.ttlMs ?? 60_000;
  const now = options.now ?? Date.now;
  let readAt = -Infinity;
  let users = new Map<number, string>();
  let groups = new Map<number, string>();
  const fresh = (): void => {
    if (now() - readAt < ttlMs) return;
    readAt = now();
    users = readIds(passwdPath);
    groups = readIds(groupPath);
  };
  return {
    user: (uid) => {
      fresh();
      return users.get(uid) ?? String(uid);
    },
    group: (gid) => {
      fresh();
      return groups.get(gid) ?? String(gid);
    },
  };
}
