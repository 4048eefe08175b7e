/**
 * How the fetcher reads a `CommandInfo.URI`: which source it names (a local file or an HTTP(S) resource), the
 * file name it lands under in the sandbox, and whether that name marks an archive. Pure functions, no I/O.
 *
 * Mesos treats URIs as paths rather than parsing them (a query string stays part of the file name, so
 * `http://h/a.tgz?x=1` is not recognised as an archive unless `output_file` names it); we keep that, so a
 * framework sees the same sandbox on both.
 */
import { isAbsolute, join, posix } from 'node:path';

/** A source the fetcher can read. */
export type UriSource =
  | { readonly kind: 'local'; readonly path: string }
  | { readonly kind: 'http'; readonly url: string };

/** Archive formats recognised by file name, as Mesos's fetcher decides. `gz` is a single compressed file. */
export type ArchiveKind = 'tar' | 'tgz' | 'tbz2' | 'txz' | 'zip' | 'gz';

/** Outcome of the pure checks: a value or a reason (the caller prefixes the URI). */
export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const good = <T>(value: T): Checked<T> => ({ ok: true, value });
const bad = <T>(reason: string): Checked<T> => ({ ok: false, reason });

/**
 * Suffixes in the order they are tried: the longer compound ones first, so `x.tar.gz` is a `tgz` and not a
 * bare `gz`. Matching is case-sensitive, as in Mesos.
 */
const ARCHIVE_SUFFIXES: ReadonlyArray<readonly [string, ArchiveKind]> = [
  ['.tar.gz', 'tgz'],
  ['.tar.bz2', 'tbz2'],
  ['.tar.xz', 'txz'],
  ['.tar', 'tar'],
  ['.tgz', 'tgz'],
  ['.tbz2', 'tbz2'],
  ['.txz', 'txz'],
  ['.zip', 'zip'],
  ['.gz', 'gz'],
];

/** The archive kind a file name marks, or undefined when it marks none (the file is then copied as is). */
export function archiveKind(fileName: string): ArchiveKind | undefined {
  for (const [suffix, kind] of ARCHIVE_SUFFIXES) {
    if (fileName.endsWith(suffix)) return kind;
  }
  return undefined;
}

/** Whether the URI is fetched over HTTP(S). FTP, which Mesos reaches through libcurl, is not supported here. */
export function isHttpUri(uri: string): boolean {
  return uri.startsWith('http://') || uri.startsWith('https://');
}

/** The position of `://` when the URI has a scheme of two or more characters (one letter would be a drive). */
function schemeEnd(uri: string): number {
  const index = uri.indexOf('://');
  return index > 1 ? index : -1;
}

/**
 * The file name a URI is stored under when no `output_file` is given: the text after the last `/`. A URI with a
 * scheme must have a path (`http://host` alone is malformed). Backslashes, single quotes and NUL are refused, as
 * Mesos refuses them.
 */
export function uriBasename(uri: string): Checked<string> {
  if (/[\\'\0]/.test(uri)) return bad('Illegal characters in URI');
  const end = schemeEnd(uri);
  if (end >= 0) {
    const rest = uri.slice(end + 3);
    const slash = rest.indexOf('/');
    if (slash < 0 || rest.length <= slash + 1) return bad('Malformed URI (missing path)');
    return good(rest.slice(rest.lastIndexOf('/') + 1));
  }
  const trimmed = uri.replace(/\/+$/, '');
  return good(trimmed.slice(trimmed.lastIndexOf('/') + 1));
}

/**
 * Checks an `output_file`: a relative path inside the sandbox. Mesos refuses absolute paths; we also refuse `..`
 * components, empty components and a trailing `/`, as those could leave the sandbox or name no file.
 */
export function checkOutputFile(outputFile: string): Checked<string> {
  if (outputFile.length === 0) return bad('URI output file path is empty');
  if (outputFile.includes('\0')) return bad('URI output file path contains NUL');
  if (outputFile.startsWith('/')) return bad('URI output file must be within the sandbox directory');
  const parts = outputFile.split('/');
  if (parts.some((part) => part === '..')) return bad(`URI output file '${outputFile}' must not contain '..'`);
  if (parts.some((part) => part === '')) return bad(`URI output file '${outputFile}' has an empty path component`);
  const normalized = posix.normalize(outputFile);
  if (normalized === '.' || parts[parts.length - 1] === '.') {
    return bad(`URI output file '${outputFile}' names no file`);
  }
  return good(normalized);
}

/**
 * Where a URI comes from. `file://` URIs and URIs without a scheme are local files: absolute, or relative to
 * `frameworksHome` (Mesos's `--frameworks_home`). `file://localhost/p` means `/p`. Other schemes (hdfs, s3, ftp)
 * need a client this fetcher does not have and are refused.
 */
export function uriSource(uri: string, frameworksHome?: string): Checked<UriSource> {
  if (isHttpUri(uri)) {
    try {
      return good({ kind: 'http', url: new URL(uri).href });
    } catch {
      return bad('Malformed URI (not a valid URL)');
    }
  }
  const fileUri = uri.startsWith('file://');
  if (!fileUri && schemeEnd(uri) >= 0) {
    const scheme = uri.slice(0, schemeEnd(uri));
    return bad(`Unsupported URI scheme '${scheme}': only http, https and file URIs are fetched`);
  }
  let path = fileUri ? uri.slice('file://'.length) : uri;
  if (fileUri && path.startsWith('localhost/')) path = path.slice('localhost'.length);
  if (fileUri) {
    try {
      path = decodeURI(path);
    } catch {
      return bad('Malformed file URI (bad percent-encoding)');
    }
  }
  if (!isAbsolute(path)) {
    if (fileUri) return bad('File URI only supports absolute paths');
    if (!frameworksHome) {
      return bad('A relative path was given but no frameworks home is configured; use an absolute path');
    }
    path = join(frameworksHome, path);
  }
  return good({ kind: 'local', path });
}

/** What the fetcher will do with one URI, decided up front so bad input fails before anything is downloaded. */
export interface UriPlan {
  /** The URI as given, with leading whitespace trimmed (as Mesos trims it). */
  readonly uri: string;
  readonly source: UriSource;
  /** Relative path inside the sandbox: `output_file`, or the URI's basename. */
  readonly target: string;
  /** How the result is unpacked; undefined when it is copied (not an archive, `extract: false`, or executable). */
  readonly archive: ArchiveKind | undefined;
  readonly executable: boolean;
  readonly cache: boolean;
}

/** The fields of `CommandInfo.URI` the fetcher reads. */
export interface UriSpec {
  readonly value?: string | undefined;
  readonly executable?: boolean | undefined;
  readonly extract?: boolean | undefined;
  readonly cache?: boolean | undefined;
  readonly outputFile?: string | undefined;
}

/**
 * Plans one URI. `extract` defaults to true (the proto's default); `executable` wins over `extract`. The archive
 * kind is read from the target name (`output_file` when given), so an `output_file` ending in `.tar.gz` makes
 * a URI with a query string extractable, through the cache as well as without it.
 */
export function planUri(spec: UriSpec, frameworksHome?: string): Checked<UriPlan> {
  const uri = (spec.value ?? '').replace(/^\s+/, '');
  if (uri.length === 0) return bad('URI value is empty');
  const base = uriBasename(uri);
  if (!base.ok) return base;
  const source = uriSource(uri, frameworksHome);
  if (!source.ok) return source;
  let target: string;
  if (spec.outputFile !== undefined) {
    const output = checkOutputFile(spec.outputFile);
    if (!output.ok) return output;
    target = output.value;
  } else {
    if (base.value === '' || base.value === '.' || base.value === '..') {
      return bad('URI names no file (add an output_file)');
    }
    target = base.value;
  }
  const executable = spec.executable === true;
  const extract = spec.extract !== false && !executable;
  return good({
    uri,
    source: source.value,
    target,
    archive: extract ? archiveKind(target) : undefined,
    executable,
    cache: spec.cache === true,
  });
}

/** The cache key: the URI for no user, `user@uri` otherwise, so each user's downloads are kept apart (as Mesos). */
export function cacheKey(uri: string, user: string | undefined): string {
  return user === undefined ? uri : `${user}@${uri}`;
}
