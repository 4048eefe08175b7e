import { encodeMesosJson, master, parseMesosJson } from '@mesos-ts/proto';
import { CommandFailure, causeText, oneLine } from './failure';

/** Options of {@link OperatorClient}. */
export interface OperatorClientOptions {
  /** How long one request may take before the command gives up. Default 60 s. */
  readonly timeoutMs?: number | undefined;
  /** Aborts every request in flight (Ctrl-C). */
  readonly signal?: AbortSignal | undefined;
  /** Shown while a request is in flight (a progress line on a terminal); none when absent. */
  readonly progress?: ((what: string) => () => void) | undefined;
}

/** A master's answer to one operator call: the raw JSON (for `--json`) and the decoded `master.Response`. */
export interface OperatorAnswer {
  /** The parsed JSON body; `undefined` for an empty 200/202 (mutations). */
  readonly json: unknown;
  /** The decoded response; `{}` for an empty body. */
  readonly response: master.Response;
}

/** The HTTP reason phrases the CLI shows next to a status code. */
const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  507: 'Insufficient Storage',
};

/**
 * The client side of the master's v1 operator API (`POST /api/v1`, JSON both ways, as Mesos's own CLI speaks it)
 * plus the plain GET endpoints the CLI reads (`/master/allocation/explain`, an agent's `/state` and `/files/read`).
 *
 * Every failure is a {@link CommandFailure} whose message is one line: `cannot reach the master at <url>: <why>`
 * for transport errors, `the master answered 400 Bad Request: <its message>` for HTTP errors.
 */
export class OperatorClient {
  readonly #base: string;
  readonly #options: OperatorClientOptions;

  /** @param base the master's origin, e.g. `http://127.0.0.1:5050` (see `parseMasterAddress`). */
  constructor(base: string, options: OperatorClientOptions = {}) {
    this.#base = base;
    this.#options = options;
  }

  /** The master's origin this client talks to. */
  get base(): string {
    return this.#base;
  }

  /**
   * Sends one operator call and decodes the answer. 200 with a body is decoded as `mesos.v1.master.Response`;
   * 200/202 without one (mutations) answers `{ json: undefined, response: {} }`.
   */
  async call(call: master.Call): Promise<OperatorAnswer> {
    const body = encodeMesosJson('mesos.v1.master.Call', call);
    const what = master.Call_Type[call.type ?? master.Call_Type.UNKNOWN] ?? 'UNKNOWN';
    const text = await this.#request(`${this.#base}/api/v1`, 'master', `Waiting for the master to answer ${what}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body,
    });
    if (text.trim() === '') return { json: undefined, response: {} };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new CommandFailure(`the master answered ${what} with something that is not JSON: ${oneLine(text, 120)}`);
    }
    const decoded = parseMesosJson('mesos.v1.master.Response', text, { unknownEnums: 'drop' });
    if (!decoded.ok) throw new CommandFailure(`the master's answer to ${what} is not a mesos.v1.master.Response: ${oneLine(decoded.error.message)}`);
    return { json, response: decoded.value };
  }

  /** GETs `path` (with `query`) from the master and parses the JSON body. */
  async getMasterJson(path: string, query: Readonly<Record<string, string>> = {}): Promise<unknown> {
    return this.getJson(this.#base, path, query, 'master');
  }

  /**
   * GETs `path` from `origin` (the master or an agent, named by `who` in messages) and parses the JSON body.
   */
  async getJson(origin: string, path: string, query: Readonly<Record<string, string>> = {}, who = 'agent'): Promise<unknown> {
    const url = new URL(path, origin);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const text = await this.#request(url.toString(), who, `Waiting for the ${who} to answer ${url.pathname}`, { method: 'GET', headers: { accept: 'application/json' } });
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new CommandFailure(`the ${who} answered ${url.pathname} with something that is not JSON: ${oneLine(text, 120)}`);
    }
  }

  async #request(url: string, who: string, progressText: string, init: RequestInit): Promise<string> {
    const origin = new URL(url).origin;
    const timeoutMs = this.#options.timeoutMs ?? 60_000;
    const signals = [AbortSignal.timeout(timeoutMs)];
    if (this.#options.signal !== undefined) signals.push(this.#options.signal);
    const stop = this.#options.progress?.(progressText);
    try {
      let response: Response;
      try {
        response = await fetch(url, { ...init, signal: AbortSignal.any(signals), redirect: 'follow' });
      } catch (error) {
        throw this.#transportFailure(error, origin, who, timeoutMs);
      }
      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        throw this.#transportFailure(error, origin, who, timeoutMs);
      }
      if (response.status === 200 || response.status === 202 || response.status === 204) return text;
      const reason = REASONS[response.status] ?? response.statusText;
      const message = oneLine(text);
      throw new CommandFailure(`the ${who} answered ${response.status}${reason === '' ? '' : ` ${reason}`}${message === '' ? '' : `: ${message}`}`, response.status);
    } finally {
      stop?.();
    }
  }

  #transportFailure(error: unknown, origin: string, who: string, timeoutMs: number): CommandFailure {
    if (this.#options.signal?.aborted === true) return new CommandFailure('interrupted', undefined, 130);
    const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
    if (name === 'TimeoutError') return new CommandFailure(`the ${who} at ${origin} did not answer within ${Math.round(timeoutMs / 1000)}s`);
    return new CommandFailure(`cannot reach the ${who} at ${origin}: ${oneLine(causeText(error))}`);
  }
}
