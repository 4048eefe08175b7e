// A fake master (operator API) that is also a fake agent (`/state`, `/files/read`), for the process tests of the
// `mesos` commands without the real daemons: real Node http on 127.0.0.1; every `POST /api/v1` body is decoded
// as a `mesos.v1.master.Call` with the real codec (so the CLI's wire format is checked) and recorded; answers come
// from a table by call type (JSON text, or an HTTP error).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { master, parseMesosJson } from '@mesos-ts/proto';

/** An answer: a JSON body (200), `''` (202, empty), or an HTTP error with a text body. */
export type FakeAnswer = unknown | { readonly status: number; readonly text: string };

export interface FakeOperator {
  readonly url: string;
  /** `127.0.0.1:PORT`. */
  readonly address: string;
  readonly calls: master.Call[];
  /** Raw request bodies, in order. */
  readonly bodies: string[];
  /** GET requests (path + query) other than `/api/v1`. */
  readonly gets: string[];
  /** Answers by call type name (`GET_AGENTS`); a mutation without an entry gets 202. */
  readonly answers: Map<string, FakeAnswer>;
  /** Files the fake agent serves through `/files/read`, by path; append to simulate output. */
  readonly files: Map<string, string>;
  /** The fake agent's `/state` body. */
  agentState: unknown;
  /** The explain endpoint's body. */
  explain: unknown;
  callsOf(type: master.Call_Type): master.Call[];
  close(): Promise<void>;
}

function isError(a: FakeAnswer): a is { status: number; text: string } {
  return typeof a === 'object' && a !== null && 'status' in a && 'text' in a;
}

export async function startFakeOperator(): Promise<FakeOperator> {
  const calls: master.Call[] = [];
  const bodies: string[] = [];
  const gets: string[] = [];
  const answers = new Map<string, FakeAnswer>();
  const files = new Map<string, string>();

  const send = (res: ServerResponse, answer: FakeAnswer): void => {
    if (isError(answer)) {
      res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.text);
      return;
    }
    if (answer === '') {
      res.writeHead(202).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'POST' && url.pathname === '/api/v1') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      bodies.push(text);
      if (req.headers['content-type'] !== 'application/json') return send(res, { status: 415, text: `Expecting 'Content-Type' of application/json` });
      const call = parseMesosJson('mesos.v1.master.Call', text);
      if (!call.ok) return send(res, { status: 400, text: `Failed to parse body into Call: ${call.error.message}` });
      calls.push(call.value);
      const name = master.Call_Type[call.value.type ?? 0] ?? 'UNKNOWN';
      return send(res, answers.has(name) ? answers.get(name) : name.startsWith('GET_') ? { status: 501, text: `fake: no answer for ${name}` } : '');
    }
    gets.push(`${url.pathname}${url.search}`);
    if (url.pathname === '/master/allocation/explain') return send(res, api.explain);
    if (url.pathname === '/state') return send(res, api.agentState);
    if (url.pathname === '/files/read') {
      const path = url.searchParams.get('path') ?? '';
      const content = files.get(path);
      if (content === undefined) return send(res, { status: 404, text: '' });
      const bytes = Buffer.from(content, 'utf8');
      const offset = Number(url.searchParams.get('offset') ?? '0');
      const length = Number(url.searchParams.get('length') ?? String(bytes.length));
      return send(res, { data: bytes.subarray(offset, offset + length).toString('utf8'), offset });
    }
    send(res, { status: 404, text: '' });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => res.writeHead(500).end(String(e)));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  const api: FakeOperator = {
    url: `http://127.0.0.1:${port}`,
    address: `127.0.0.1:${port}`,
    calls,
    bodies,
    gets,
    answers,
    files,
    agentState: {},
    explain: {},
    callsOf: (type) => calls.filter((c) => c.type === type),
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
  return api;
}
