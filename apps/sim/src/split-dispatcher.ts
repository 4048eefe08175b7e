/**
 * {@link SplitDispatcher}: an undici dispatcher that sends long-lived streaming requests (an agent's REGISTER,
 * a framework's SUBSCRIBE: the ones made with `bodyTimeout: 0`) over connections of their own, one request per
 * connection, and every other call over a few connections with HTTP/1.1 pipelining.
 *
 * Why: with one request per connection, each STATUS_UPDATE, ACCEPT or ACKNOWLEDGE costs the master (and this
 * process) a read and a write system call of its own. Pipelined, the calls that go out in one tick share a
 * connection's reads and writes on both sides, and the master answers them together. It is plain HTTP/1.1
 * (RFC 9112 section 9.3.2), which Node's server supports; a streaming response must never sit on a pipelined
 * connection, though, since the requests queued behind it would wait for ever: hence the split.
 */
import { Agent as UndiciAgent, Dispatcher } from 'undici';

/** Options of {@link SplitDispatcher}. */
export interface SplitDispatcherOptions {
  /** Connections for streaming requests (at most one request each). */
  readonly streamConnections: number;
  /** Connections for calls. Default 32. */
  readonly callConnections?: number;
  /** Calls in flight per call connection. Default 16. */
  readonly pipelining?: number;
  /** Idle time before a call connection is closed. Default 30 s. */
  readonly keepAliveTimeout?: number;
}

/** See the module comment. */
export class SplitDispatcher extends Dispatcher {
  readonly #streams: UndiciAgent;
  readonly #calls: UndiciAgent;

  constructor(options: SplitDispatcherOptions) {
    super();
    const keepAliveTimeout = options.keepAliveTimeout ?? 30_000;
    this.#streams = new UndiciAgent({ connections: Math.max(1, options.streamConnections), pipelining: 1, keepAliveTimeout });
    this.#calls = new UndiciAgent({ connections: options.callConnections ?? 32, pipelining: options.pipelining ?? 16, keepAliveTimeout });
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return (options.bodyTimeout === 0 ? this.#streams : this.#calls).dispatch(options, handler);
  }

  override close(callback: () => void): void;
  override close(): Promise<void>;
  override close(callback?: () => void): Promise<void> | void {
    const done = Promise.all([this.#streams.close(), this.#calls.close()]).then(() => undefined);
    if (callback === undefined) return done;
    void done.then(callback, callback);
  }

  override destroy(err: Error | null, callback: () => void): void;
  override destroy(callback: () => void): void;
  override destroy(err: Error | null): Promise<void>;
  override destroy(): Promise<void>;
  override destroy(errOrCallback?: Error | null | (() => void), callback?: () => void): Promise<void> | void {
    const error = typeof errOrCallback === 'function' ? null : (errOrCallback ?? null);
    const cb = typeof errOrCallback === 'function' ? errOrCallback : callback;
    const done = Promise.all([this.#streams.destroy(error), this.#calls.destroy(error)]).then(() => undefined);
    if (cb === undefined) return done;
    void done.then(cb, cb);
  }
}
