/**
 * {@link CallPoster}: a small HTTP/1.1 client for the harness's hottest calls (the bench scheduler's ACCEPT,
 * DECLINE and ACKNOWLEDGE, the simulated agents' STATUS_UPDATE): POSTs of one protobuf body answered by a
 * response with a `Content-Length`, over a few keep-alive connections with pipelining.
 *
 * Why not undici: per call, undici's request API builds a handler, a Readable body stream and a response
 * object, and its client runs the llhttp parser; for thousands of 202s per second that was a large share of
 * the benchmark process, which shares the machine with the master it measures. The bytes on the wire are the
 * same kind undici sends: a request line, `host`, `connection: keep-alive`, the caller's headers and
 * `content-length`, then the body. Responses must carry `Content-Length` (the master's always do); anything
 * else fails the connection's calls rather than being guessed at.
 */
import { Socket } from 'node:net';
import { MesosTsError } from '@mesos-ts/errors';

/** A response: its status and body. */
export interface PostResponse {
  readonly status: number;
  readonly body: Buffer;
}

/** Options of {@link CallPoster}. */
export interface CallPosterOptions {
  /** Connections at most. Default 32. */
  readonly connections?: number;
  /** Calls in flight per connection. Default 16. */
  readonly pipelining?: number;
}

interface Pending {
  readonly resolve: (response: PostResponse) => void;
  readonly reject: (error: Error) => void;
}

interface Waiting extends Pending {
  readonly bytes: Buffer;
}

const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)/i;
const CONNECTION_CLOSE = /\r\nconnection:[ \t]*close/i;

/** One keep-alive connection and the calls in flight on it, answered in order. */
class Connection {
  readonly socket: Socket;
  readonly inFlight: Pending[] = [];
  #buffer: Buffer = Buffer.alloc(0);
  /** The body length of the response being read, once its head is in. */
  #bodyLength = -1;
  #status = 0;
  #closeAfter = false;
  #corked = false;
  closed = false;

  constructor(
    host: string,
    port: number,
    private readonly onIdle: (connection: Connection) => void,
    private readonly onClosed: (connection: Connection) => void,
  ) {
    this.socket = new Socket();
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.#read(chunk));
    this.socket.on('error', (e) => this.fail(e));
    this.socket.on('close', () => this.fail(new Error('the connection closed')));
    this.socket.connect(port, host);
  }

  send(bytes: Buffer, pending: Pending): void {
    this.inFlight.push(pending);
    // Calls sent in one tick go out in one write.
    if (!this.#corked) {
      this.#corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.#corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(bytes);
  }

  fail(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    const failed = this.inFlight.splice(0);
    for (const p of failed) p.reject(error);
    this.onClosed(this);
  }

  #read(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      if (this.#bodyLength < 0) {
        const end = this.#buffer.indexOf(HEADER_END);
        if (end < 0) return;
        const head = this.#buffer.toString('latin1', 0, end + 2);
        const length = CONTENT_LENGTH.exec(head);
        const status = Number(head.slice(9, 12));
        if (!head.startsWith('HTTP/1.') || !Number.isInteger(status) || length === null) {
          return this.fail(new MesosTsError('UNAVAILABLE', `Unexpected response head (a Content-Length is required): ${JSON.stringify(head.slice(0, 200))}`));
        }
        this.#status = status;
        this.#bodyLength = Number(length[1]);
        this.#closeAfter = CONNECTION_CLOSE.test(head);
        this.#buffer = this.#buffer.subarray(end + 4);
      }
      if (this.#buffer.length < this.#bodyLength) return;
      const body = Buffer.from(this.#buffer.subarray(0, this.#bodyLength));
      this.#buffer = this.#buffer.subarray(this.#bodyLength);
      this.#bodyLength = -1;
      const pending = this.inFlight.shift();
      if (pending === undefined) return this.fail(new MesosTsError('UNAVAILABLE', 'A response came without a request'));
      pending.resolve({ status: this.#status, body });
      if (this.#closeAfter) return this.fail(new Error('the server closed the connection'));
      this.onIdle(this);
    }
  }
}

/** See the module comment. */
export class CallPoster {
  readonly #host: string;
  readonly #port: number;
  readonly #hostHeader: string;
  readonly #maxConnections: number;
  readonly #pipelining: number;
  readonly #connections: Connection[] = [];
  readonly #waiting: Waiting[] = [];
  #next = 0;
  #closed = false;

  /** `origin` is `http://host:port`. */
  constructor(origin: string, options: CallPosterOptions = {}) {
    const url = new URL(origin.includes('://') ? origin : `http://${origin}`);
    if (url.protocol !== 'http:') throw new MesosTsError('INVALID_ARGUMENT', `Invalid origin '${origin}': only http is supported`);
    this.#host = url.hostname;
    this.#port = Number(url.port || 80);
    this.#hostHeader = url.host;
    this.#maxConnections = Math.max(1, options.connections ?? 32);
    this.#pipelining = Math.max(1, options.pipelining ?? 16);
  }

  /**
   * POSTs `body` to `path` with `headers` (lower-case names; `host`, `connection` and `content-length` are
   * added). Rejects if the connection fails before the response is complete.
   */
  post(path: string, headers: Readonly<Record<string, string>>, body: Uint8Array): Promise<PostResponse> {
    if (this.#closed) return Promise.reject(new MesosTsError('UNAVAILABLE', 'The poster is closed'));
    let head = `POST ${path} HTTP/1.1\r\nhost: ${this.#hostHeader}\r\nconnection: keep-alive\r\n`;
    for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
    head += `content-length: ${body.byteLength}\r\n\r\n`;
    const headLength = Buffer.byteLength(head, 'latin1');
    const bytes = Buffer.allocUnsafe(headLength + body.byteLength);
    bytes.write(head, 0, 'latin1');
    bytes.set(body, headLength);
    return new Promise((resolve, reject) => {
      const connection = this.#pick();
      if (connection === undefined) this.#waiting.push({ bytes, resolve, reject });
      else connection.send(bytes, { resolve, reject });
    });
  }

  /** Fails what is in flight or waiting and closes every connection. */
  close(): void {
    this.#closed = true;
    const error = new MesosTsError('UNAVAILABLE', 'The poster is closed');
    for (const w of this.#waiting.splice(0)) w.reject(error);
    for (const c of [...this.#connections]) c.fail(error);
  }

  /** The least busy open connection with room, a new one while under the limit, or none. */
  #pick(): Connection | undefined {
    const all = this.#connections;
    for (let i = 0; i < all.length; i++) {
      const c = all[(this.#next + i) % all.length]!;
      if (c.inFlight.length === 0) {
        this.#next = (this.#next + i + 1) % all.length;
        return c;
      }
    }
    if (all.length < this.#maxConnections) {
      const c = new Connection(
        this.#host,
        this.#port,
        (idle) => this.#drain(idle),
        (gone) => this.#remove(gone),
      );
      all.push(c);
      return c;
    }
    let best: Connection | undefined;
    for (const c of all) if (c.inFlight.length < this.#pipelining && (best === undefined || c.inFlight.length < best.inFlight.length)) best = c;
    return best;
  }

  #drain(connection: Connection): void {
    while (this.#waiting.length > 0 && !connection.closed && connection.inFlight.length < this.#pipelining) {
      const w = this.#waiting.shift()!;
      connection.send(w.bytes, w);
    }
  }

  #remove(connection: Connection): void {
    const i = this.#connections.indexOf(connection);
    if (i >= 0) this.#connections.splice(i, 1);
    // Calls that were waiting for room go to the connections left (or a new one).
    if (this.#closed) return;
    const waiting = this.#waiting.splice(0);
    for (const w of waiting) {
      const c = this.#pick();
      if (c === undefined) this.#waiting.push(w);
      else c.send(w.bytes, w);
    }
  }
}
