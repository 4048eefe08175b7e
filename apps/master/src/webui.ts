/**
 * The web UI's static files (apps/webui, built by Vite), served by the master as Mesos serves its UI on 5050:
 * `/` and `/index.html` answer the page, `/assets/*` its hashed scripts and styles. Asset names carry a content
 * hash, so they are cached for a year; the page itself is revalidated on every load (ETag) so a new master build
 * is picked up at once. Nothing here shadows an API path: only `/`, `/index.html` and `/assets/*` are routed.
 *
 * Where the files are: `$MESOS_TS_WEBUI_DIR` if set, else `webui/` beside the master's bundle (`dist/webui`, put
 * there by the master's build), else the web UI package's own build output (`apps/webui/dist`) when running from a
 * source checkout.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeResponse } from '@mesos-ts/http-api';
import { empty, methodNotAllowed, plainText, type MasterEndpoint, type Response } from './responses';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Worth compressing: text, and big enough that gzip's header does not outweigh the saving. */
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.map', '.json', '.svg', '.txt']);
const MIN_GZIP_BYTES = 1024;

/** The directories tried, in order (see the module comment). */
export function webuiCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const out: string[] = [];
  const fromEnv = env['MESOS_TS_WEBUI_DIR'];
  if (fromEnv !== undefined && fromEnv !== '') return [resolve(fromEnv)];
  // `__dirname` is the bundle's directory (apps/master/dist) or, from sources, apps/master/src. The ESM bundle has
  // no `__dirname`; it then finds the UI only through the variable.
  if (typeof __dirname === 'string') {
    out.push(join(__dirname, 'webui'), resolve(__dirname, '../dist/webui'), resolve(__dirname, '../../webui/dist'));
  }
  return out;
}

/** The first candidate that holds an `index.html`, or undefined when the UI is not built. */
export function findWebuiDirectory(candidates: readonly string[] = webuiCandidates()): string | undefined {
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

interface Cached {
  readonly etag: string;
  readonly body: Buffer;
  readonly gzipped: Buffer | undefined;
}

/** Files by absolute path, kept while their size and mtime are unchanged (so a rebuild is seen without a restart). */
const cache = new Map<string, Cached>();

async function load(file: string): Promise<Cached | undefined> {
  let info;
  try {
    info = await stat(file);
  } catch {
    return undefined;
  }
  if (!info.isFile()) return undefined;
  const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  const known = cache.get(file);
  if (known !== undefined && known.etag === etag) return known;
  const body = await readFile(file);
  const gzipped = COMPRESSIBLE.has(extname(file)) && body.byteLength >= MIN_GZIP_BYTES ? gzipSync(body) : undefined;
  const entry = { etag, body, gzipped };
  cache.set(file, entry);
  return entry;
}

/** The file under `root` that a URL path names, or undefined for a path that tries to leave `root`. */
export function resolveAsset(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.split('/').some((part) => part === '..' || part.includes('\\'))) return undefined;
  const file = resolve(root, `.${decoded}`);
  return file.startsWith(root + sep) ? file : undefined;
}

function accepts(req: IncomingMessage, encoding: string): boolean {
  const header = req.headers['accept-encoding'];
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  return text.split(',').some((part) => {
    const [name, ...params] = part.trim().split(';');
    return name?.trim().toLowerCase() === encoding && !params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p));
  });
}

/** Answers one GET or HEAD for a UI file. */
export async function serveWebui(req: IncomingMessage, root: string | undefined): Promise<Response> {
  const method = req.method ?? '';
  if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(['GET', 'HEAD'], method);
  const pathname = new URL(req.url ?? '/', 'http://master').pathname;
  if (root === undefined) {
    return plainText(404, 'The web UI is not built: run `npm run build` (or `npm run build -w @mesos-ts/webui`), or point MESOS_TS_WEBUI_DIR at a built UI.');
  }
  const isPage = pathname === '/' || pathname === '/index.html';
  const file = resolveAsset(root, isPage ? '/index.html' : pathname);
  const entry = file === undefined ? undefined : await load(file);
  if (file === undefined || entry === undefined) return empty(404);
  const headers: Record<string, string> = {
    'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'Cache-Control': isPage ? 'no-cache' : 'public, max-age=31536000, immutable',
    ETag: entry.etag,
    Vary: 'Accept-Encoding',
    'X-Content-Type-Options': 'nosniff',
  };
  const match = req.headers['if-none-match'];
  if (match !== undefined && match.split(',').some((tag) => tag.trim() === entry.etag)) {
    return { status: 304, headers: { 'Cache-Control': headers['Cache-Control'] ?? '', ETag: entry.etag, Vary: 'Accept-Encoding' }, body: new Uint8Array() };
  }
  let body: Buffer = entry.body;
  if (entry.gzipped !== undefined && accepts(req, 'gzip')) {
    body = entry.gzipped;
    headers['Content-Encoding'] = 'gzip';
  }
  headers['Content-Length'] = String(body.byteLength);
  return { status: 200, headers, body: method === 'HEAD' ? new Uint8Array() : body };
}

/**
 * The UI's routes. The directory is looked up again whenever the one in use lost its `index.html` (a rebuild of
 * the master's dist empties `dist/webui` under a running master), so a UI built or moved after start is served.
 */
function createWebuiEndpoints(): MasterEndpoint[] {
  let root: string | undefined;
  const handle = async (_core: unknown, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    req.resume();
    if (root === undefined || !existsSync(join(root, 'index.html'))) root = findWebuiDirectory();
    const response = await serveWebui(req, root);
    if (req.method === 'HEAD') {
      res.writeHead(response.status, response.headers);
      res.end();
      return;
    }
    writeResponse(res, response);
  };
  return [{ paths: ['/', '/index.html', '/assets/*'], handle }];
}

export const webuiEndpoints: readonly MasterEndpoint[] = createWebuiEndpoints();
