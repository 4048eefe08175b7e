/**
 * Helpers for the fetcher tests: a local HTTP server (127.0.0.1, started by the test) that counts requests, and
 * throwaway directories that are all removed by `cleanup()`.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const isRoot = process.getuid?.() === 0;

/** Installs bzip2 and xz when missing (idempotent, locked). */
export function ensureFetcherTools(): void {
  execFileSync('bash', [join(__dirname, 'fetcher-ensure-tools.sh')], { stdio: 'inherit', timeout: 300_000 });
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A test HTTP server: static files, plus handlers for special paths; counts requests per path. */
export class TestServer {
  readonly files = new Map<string, Buffer>();
  readonly handlers = new Map<string, Handler>();
  readonly requests = new Map<string, number>();
  private readonly server: Server;
  private readonly open = new Set<ServerResponse>();
  port = 0;

  constructor() {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      this.requests.set(path, (this.requests.get(path) ?? 0) + 1);
      this.open.add(res);
      res.on('close', () => this.open.delete(res));
      const handler = this.handlers.get(path);
      if (handler) return handler(req, res);
      const file = this.files.get(path);
      if (!file) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
        return;
      }
      res.writeHead(200, { 'content-length': String(file.length) }).end(file);
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  count(path: string): number {
    return this.requests.get(path) ?? 0;
  }

  async stop(): Promise<void> {
    for (const res of this.open) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Temporary directories, all removed by `cleanup()`. */
export class TempDirs {
  private readonly dirs: string[] = [];

  async make(prefix = 'fetcher-test-'): Promise<string> {
    const dir = await realpath(await mkdtemp(join(tmpdir(), prefix)));
    this.dirs.push(dir);
    return dir;
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

/** Every path below `dir`, relative and sorted (directories included). */
export async function listTree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

/** Waits until `condition` holds, polling; fails after `timeoutMs`. */
export async function eventually(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
