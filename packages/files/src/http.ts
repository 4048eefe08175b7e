/**
 * The `/files/*` HTTP endpoints on Node's `http` (Mesos's `FilesProcess` routes), for the master and the agent:
 *
 * | endpoint | answer |
 * |---|---|
 * | `/files/browse?path=` | JSON array of FileInfo models (a directory's entries, or one file) |
 * | `/files/read?path=&offset=&length=` | `{"data": "...", "offset": n}`; `offset=-1` (default) gives the size as `offset` |
 * | `/files/download?path=` | the file's bytes, `application/octet-stream`, `Content-Disposition: attachment` |
 * | `/files/debug` | JSON object: virtual path -> real path of every attachment |
 *
 * `browse`, `read` and `debug` take `?jsonp=<callback>` (`text/javascript`, `callback(json)`), as libprocess's
 * `OK(json, jsonp)`. Errors are plain text with the status of the error's code: 400 for bad parameters and paths
 * that lead out of an attachment, 404 for nothing there, 500 for I/O failures.
 *
 * `data` is the bytes read as UTF-8 text. A read that ends inside a multi-byte character stops before that
 * character, so a client that follows a file (the web UI's pailer) advances `offset` by the UTF-8 byte length
 * of `data` and never splits a character; the next read starts at the character.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MesosTsError } from '@mesos-ts/errors';
import { fileInfoJson } from './file-info';
import type { Files } from './files';
import { parsePathQuery, parseReadQuery } from './query';

/** The four files endpoints. */
export type FilesEndpoint = 'browse' | 'read' | 'download' | 'debug';

const ENDPOINTS: Readonly<Record<string, FilesEndpoint>> = {
  '/files/browse': 'browse',
  '/files/browse.json': 'browse',
  '/files/read': 'read',
  '/files/read.json': 'read',
  '/files/download': 'download',
  '/files/download.json': 'download',
  '/files/debug': 'debug',
  '/files/debug.json': 'debug',
};

/** Which files endpoint a URL path names (`/files/browse`, also with the old `.json` suffix), if any. */
export function filesEndpointOf(pathname: string): FilesEndpoint | undefined {
  const trimmed = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
  return ENDPOINTS[trimmed];
}

/** Every path the endpoints answer, for routing tables. */
export const FILES_ENDPOINT_PATHS: readonly string[] = Object.keys(ENDPOINTS);

/** `data` of a read: whole UTF-8 characters only (see the module comment). */
export function utf8WholeCharacters(data: Uint8Array): string {
  let end = data.length;
  // Look back over at most 3 continuation bytes for the lead byte of the last character.
  for (let i = data.length - 1; i >= 0 && i >= data.length - 4; i--) {
    const byte = data[i]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    if (i + needed > data.length) end = i;
    break;
  }
  return Buffer.from(data.buffer, data.byteOffset, end).toString('utf8');
}

function send(res: ServerResponse, status: number, contentType: string, text: string, head: boolean): void {
  const body = Buffer.from(text, 'utf8');
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': String(body.byteLength) });
  res.end(head ? undefined : body);
}

function sendJson(res: ServerResponse, value: unknown, jsonp: string | null, head: boolean): void {
  const json = JSON.stringify(value);
  if (jsonp === null) send(res, 200, 'application/json', json, head);
  else send(res, 200, 'text/javascript', `${jsonp}(${json})`, head);
}

function sendError(res: ServerResponse, error: MesosTsError, head: boolean): void {
  send(res, error.httpStatus, 'text/plain; charset=utf-8', error.message, head);
}

/** `Content-Disposition` for a download: a plain ASCII `filename` and, when the name needs it, RFC 5987 `filename*`. */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  if (ascii === name) return `attachment; filename="${name}"`;
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * Answers one request to `endpoint` from `files`. Any method is taken (Mesos's files routes do not check it);
 * HEAD answers the headers only. Never rejects: failures are answered as errors.
 */
export async function handleFilesRequest(files: Files, endpoint: FilesEndpoint, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const query = new URL(req.url ?? '/', 'http://files').searchParams;
  const jsonp = query.get('jsonp');
  const head = req.method === 'HEAD';
  switch (endpoint) {
    case 'debug': {
      sendJson(res, Object.fromEntries(files.attachments), jsonp, head);
      return;
    }
    case 'browse': {
      const path = parsePathQuery(query);
      if (!path.ok) return sendError(res, path.error, head);
      const listing = await files.browse(path.value);
      if (!listing.ok) return sendError(res, listing.error, head);
      sendJson(res, listing.value.map(fileInfoJson), jsonp, head);
      return;
    }
    case 'read': {
      const params = parseReadQuery(query);
      if (!params.ok) return sendError(res, params.error, head);
      const read = await files.read(params.value.path, params.value.offset, params.value.length);
      if (!read.ok) return sendError(res, read.error, head);
      sendJson(res, { data: utf8WholeCharacters(read.value.data), offset: read.value.offset }, jsonp, head);
      return;
    }
    case 'download': {
      const path = parsePathQuery(query);
      if (!path.ok) return sendError(res, path.error, head);
      const download = await files.download(path.value);
      if (!download.ok) return sendError(res, download.error, head);
      const { name, size, stream } = download.value;
      res.writeHead(200, {
        'Content-Type': 'application/octet-stream',
        'Content-Disposition': contentDisposition(name),
        'Content-Length': String(size),
      });
      if (head) {
        stream.destroy();
        res.end();
        return;
      }
      await new Promise<void>((resolve) => {
        // The file may shrink or grow while it is sent; the length announced is what was there at open time.
        let sent = 0;
        stream.on('data', (chunk: Buffer) => (sent += chunk.byteLength));
        stream.once('error', () => {
          res.destroy();
          resolve();
        });
        // A file that shrank while it was sent cannot fill the announced length: cut the connection rather than
        // leave the client waiting for bytes that will not come.
        stream.once('end', () => {
          if (sent < size) res.destroy();
        });
        res.once('close', () => {
          stream.destroy();
          resolve();
        });
        stream.pipe(res);
      });
      return;
    }
  }
}
