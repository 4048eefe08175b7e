/**
 * Helpers for tests that start real HTTP daemons (the master, the agent) or
 * servers built with this package: a free loopback port, and waiting until a
 * URL answers.
 */
import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Fetches `url` until something answers (any status), retrying every 100 ms
 * while the connection is refused; rethrows the last error after `deadlineMs`.
 */
export async function waitForHttp(url: string, deadlineMs: number): Promise<Response> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await fetch(url);
    } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
