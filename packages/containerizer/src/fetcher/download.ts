/**
 * Reading a URI's bytes and writing them to a file without ever leaving a partial file behind: HTTP(S) through
 * undici (redirects followed, only `200 OK` accepted as Mesos accepts it), local files read directly or, when the
 * fetch is for another user and we are root, read by a child running as that user, so a task cannot fetch a file
 * its user could not read (Mesos runs its whole fetcher as the task's user for the same reason).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, stat, unlink } from 'node:fs/promises';
import { STATUS_CODES } from 'node:http';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import type { UriSource } from './uri';

/** A failure whose message is the reason only; the fetcher prefixes `Failed to fetch '<uri>': `. */
export class FetchFailure extends Error {
  override readonly name = 'FetchFailure';
}

/** The numeric identity local files are read as. */
export interface ReadAs {
  readonly uid: number;
  readonly gid: number;
}

/** A source opened for reading. */
export interface OpenedSource {
  /** Announced size in bytes (Content-Length, or the file's size); undefined when the server did not say. */
  readonly size: number | undefined;
  readonly stream: Readable;
  /** Settles once the source has delivered everything: rejects when it ended badly after the stream closed. */
  readonly finished: Promise<void>;
  /** Stops reading and frees the connection or child process; for sources not consumed. */
  discard(): void;
}

/** Creates the HTTP dispatcher: redirects followed, stalls bounded by `stallTimeoutMs`. */
export function createDispatcher(stallTimeoutMs: number, maxRedirections: number): Dispatcher {
  return new Agent({ headersTimeout: stallTimeoutMs, bodyTimeout: stallTimeoutMs }).compose(
    interceptors.redirect({ maxRedirections }),
  );
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return code && !error.message.includes(code) ? `${error.message} (${code})${cause}` : `${error.message}${cause}`;
}

/** Drops a response body nobody reads; undici reports that as an abort error, which is expected here. */
function discardBody(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

async function openHttp(url: string, dispatcher: Dispatcher, signal: AbortSignal): Promise<OpenedSource> {
  let response: Dispatcher.ResponseData;
  try {
    response = await request(url, { method: 'GET', dispatcher, signal });
  } catch (error) {
    if (signal.aborted) throw new FetchFailure('fetch cancelled');
    throw new FetchFailure(`Error downloading resource: ${describeError(error)}`);
  }
  if (response.statusCode !== 200) {
    // The body is of no use; reading it to the end would keep a slow server's connection busy for nothing.
    discardBody(response.body);
    const text = STATUS_CODES[response.statusCode] ?? 'Unknown Status';
    const redirect = response.statusCode >= 300 && response.statusCode < 400 ? ' (too many redirects?)' : '';
    throw new FetchFailure(`Error downloading resource: HTTP ${response.statusCode} ${text}${redirect}`);
  }
  const header = response.headers['content-length'];
  const length = typeof header === 'string' && /^\d+$/.test(header) ? Number(header) : undefined;
  return { size: length, stream: response.body, finished: Promise.resolve(), discard: () => discardBody(response.body) };
}

async function openLocal(path: string, readAs: ReadAs | undefined, signal: AbortSignal): Promise<OpenedSource> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new FetchFailure(`'${path}' is not a regular file`);
    size = info.size;
  } catch (error) {
    if (error instanceof FetchFailure) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new FetchFailure(`Failed to copy '${path}': No such file or directory`);
    throw new FetchFailure(`Failed to copy '${path}': ${describeError(error)}`);
  }
  if (!readAs) {
    const stream = createReadStream(path, { signal });
    return { size, stream, finished: Promise.resolve(), discard: () => stream.destroy() };
  }
  // `cat` under the user's uid/gid: the kernel decides whether that user may read the file.
  const child = spawn('cat', ['--', path], { uid: readAs.uid, gid: readAs.gid, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    if (stderr.length < 4096) stderr += chunk;
  });
  const finished = new Promise<void>((resolve, reject) => {
    child.on('error', (error) => reject(new FetchFailure(`Failed to copy '${path}': ${describeError(error)}`)));
    child.on('close', (code, signalName) => {
      if (code === 0) resolve();
      else {
        const why = stderr.trim() || (signalName ? `cat killed by ${signalName}` : `cat exited with status ${code}`);
        reject(new FetchFailure(`Failed to copy '${path}' as uid ${readAs.uid}: ${why}`));
      }
    });
  });
  finished.catch(() => undefined); // awaited by the writer; this only keeps an early rejection from being unhandled
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  signal.addEventListener('abort', kill, { once: true });
  return { size, stream: child.stdout, finished, discard: kill };
}

/** Opens `source` for reading; throws {@link FetchFailure} with the reason when it cannot. */
export function openSource(
  source: UriSource,
  options: { readonly dispatcher: Dispatcher; readonly signal: AbortSignal; readonly readAs?: ReadAs | undefined },
): Promise<OpenedSource> {
  return source.kind === 'http'
    ? openHttp(source.url, options.dispatcher, options.signal)
    : openLocal(source.path, options.readAs, options.signal);
}

/** A temporary name next to `path`: same directory, so the final rename is atomic; hidden and marked partial. */
export function partialPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.partial-${randomBytes(6).toString('hex')}`);
}

/**
 * Writes `stream` to `path` via a temporary file and a rename, so `path` either holds the whole content or is
 * left as it was; the temporary file is removed on any failure. Answers the number of bytes written. The rename
 * replaces a symbolic link at `path` instead of writing through it.
 */
export async function writeAtomically(source: OpenedSource, path: string, signal: AbortSignal): Promise<number> {
  const { stream } = source;
  const temporary = partialPath(path);
  let bytes = 0;
  stream.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  try {
    // `wx`: never reuse or follow an existing file under the temporary name.
    await pipeline(stream, createWriteStream(temporary, { flags: 'wx', mode: 0o644 }), { signal });
    await source.finished;
    await rename(temporary, path);
    return bytes;
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    source.discard();
    if (signal.aborted) throw new FetchFailure('fetch cancelled');
    if (error instanceof FetchFailure) throw error;
    throw new FetchFailure(`Error downloading resource: ${describeError(error)}`);
  }
}
