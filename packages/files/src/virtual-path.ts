/**
 * Virtual paths (pure): how a path in a request is cleaned, and which attachment answers it.
 *
 * A virtual path is what clients name (`/frameworks/<fid>/executors/<eid>/runs/latest/stdout`, `/master/log`);
 * an attachment maps one virtual path to a real file or directory. A request path is answered by the attachment
 * with the longest virtual path that is a whole-component prefix of it; the rest of the request path is looked
 * up under the attachment's real path. The rest may use `.` and `..` as long as it never climbs above the
 * attachment (a `..` that would is refused here, before the file system is touched); symbolic links that lead
 * out of the attachment are refused later, on the real path (see files.ts).
 */
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';

/** The longest virtual path accepted, in UTF-16 code units (Linux's PATH_MAX is 4096 bytes). */
export const MAX_VIRTUAL_PATH_LENGTH = 4096;

/**
 * Cleans a virtual path: one leading `/`, no empty or `.` components, no trailing `/`. `..` components are kept
 * (they are resolved against an attachment by {@link matchAttachment}). The root is `/`.
 *
 * Errors (INVALID_ARGUMENT, naming the path): empty, longer than {@link MAX_VIRTUAL_PATH_LENGTH}, or holding a
 * NUL character (no file name can).
 */
export function normalizeVirtualPath(path: string): Result<string> {
  if (path.length === 0) return err(new MesosTsError('INVALID_ARGUMENT', 'Expecting a non-empty path'));
  if (path.length > MAX_VIRTUAL_PATH_LENGTH) {
    return err(new MesosTsError('INVALID_ARGUMENT', `Path is longer than ${MAX_VIRTUAL_PATH_LENGTH} characters`));
  }
  if (path.includes('\0')) return err(new MesosTsError('INVALID_ARGUMENT', `Path '${printable(path)}' contains a NUL character`));
  const components = path.split('/').filter((c) => c !== '' && c !== '.');
  return ok(`/${components.join('/')}`);
}

/** The components of a normalized path (`/` has none). */
export function components(normalized: string): string[] {
  return normalized === '/' ? [] : normalized.slice(1).split('/');
}

/** Where a request path leads: the attachment that answers it and the relative path below its real path. */
export interface AttachmentMatch {
  /** The attachment's virtual path (normalized). */
  readonly virtualRoot: string;
  /** The attachment's real path. */
  readonly realRoot: string;
  /** Components below the real root, `.` and `..` resolved; empty for the root itself. */
  readonly rest: readonly string[];
}

/**
 * Finds the attachment for `path` (already normalized): the longest attached virtual path that is `path` or a
 * whole-component prefix of it. Returns `undefined` (not found) when none is, and INVALID_ARGUMENT when the
 * part below the attachment climbs above it with `..`. An attached virtual path holding `..` never matches
 * (attach refuses them).
 */
export function matchAttachment(attachments: ReadonlyMap<string, string>, path: string): Result<AttachmentMatch | undefined> {
  const parts = components(path);
  // Longest prefix first; a prefix that holds `..` cannot be attached, so the search may stop at the first one.
  for (let n = parts.length; n >= 0; n--) {
    const prefix = `/${parts.slice(0, n).join('/')}`;
    const realRoot = attachments.get(prefix);
    if (realRoot === undefined) continue;
    const rest: string[] = [];
    for (const part of parts.slice(n)) {
      if (part !== '..') rest.push(part);
      else if (rest.pop() === undefined) {
        return err(new MesosTsError('INVALID_ARGUMENT', `Path '${printable(path)}' leads outside of '${prefix}'`));
      }
    }
    return ok({ virtualRoot: prefix, realRoot, rest });
  }
  return ok(undefined);
}

/** Whether `candidate` is `root` or below it (both absolute, normalized real paths). */
export function isWithin(root: string, candidate: string): boolean {
  if (candidate === root) return true;
  const base = root.endsWith('/') ? root : `${root}/`;
  return candidate.startsWith(base);
}

/** The path with control characters escaped, for messages. */
export function printable(path: string): string {
  // eslint-disable-next-line no-control-regex
  return path.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
