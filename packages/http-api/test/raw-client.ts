import { connect, type Socket } from 'node:net';

/** A parsed HTTP/1.1 response, its body kept as the list of chunks it came in. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  chunks: Buffer[];
  /** Whether the terminating zero-length chunk arrived. */
  ended: boolean;
}

/**
 * A bare HTTP/1.1 client on a socket that parses chunked transfer encoding itself, so tests can see chunk
 * boundaries (which fetch and http.request hide or merge).
 */
export class RawClient {
  readonly socket: Socket;
  private buffer = Buffer.alloc(0);
  private response: RawResponse | undefined;
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (data: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, data]);
      this.parse();
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static async request(port: number, method: string, path: string, headers: Record<string, string>, body: Uint8Array | string = ''): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
    const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', `Content-Length: ${bytes.byteLength}`];
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    socket.write(Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n'), bytes]));
    return new RawClient(socket);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private parse(): void {
    if (this.response === undefined) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine, ...headerLines] = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      this.response = { status: Number(statusLine!.split(' ')[1]), headers, chunks: [], ended: false };
      this.buffer = this.buffer.subarray(end + 4);
    }
    const response = this.response;
    if (response.headers['transfer-encoding'] !== 'chunked') {
      const length = Number(response.headers['content-length'] ?? 0);
      if (this.buffer.byteLength >= length && !response.ended) {
        response.chunks.push(this.buffer.subarray(0, length));
        response.ended = true;
      }
      return;
    }
    while (!response.ended) {
      const lineEnd = this.buffer.indexOf('\r\n');
      if (lineEnd < 0) return;
      const size = parseInt(this.buffer.subarray(0, lineEnd).toString('latin1'), 16);
      if (this.buffer.byteLength < lineEnd + 2 + size + 2) return;
      const data = this.buffer.subarray(lineEnd + 2, lineEnd + 2 + size);
      this.buffer = this.buffer.subarray(lineEnd + 2 + size + 2);
      if (size === 0) response.ended = true;
      else response.chunks.push(Buffer.from(data));
    }
  }

  /** Resolves with the response once `done(response)` holds (checked on every arrival). */
  async until(done: (response: RawResponse) => boolean, timeoutMs = 5000): Promise<RawResponse> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.response !== undefined && done(this.response)) return this.response;
      if (this.closed) throw new Error(`connection closed; got ${JSON.stringify(this.response?.status)}`);
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The body of a non-chunked response, as text. */
  async text(): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    const r = await this.until((x) => x.ended);
    return { status: r.status, headers: r.headers, body: Buffer.concat(r.chunks).toString('utf8') };
  }

  destroy(): void {
    this.socket.destroy();
  }
}
