// A tiny scheduler-API master for the client's tests: real Node http on 127.0.0.1, Mesos's negotiation, decoding
// and event streams from @mesos-ts/http-api. Only what the client needs: SUBSCRIBE, 202 for calls, stream id checks.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEventStream, decodeRequest, getHeader, negotiateRequest, negotiateResponse, readBody, writeAccepted, writeError, writeResponse, type EventStream } from '@mesos-ts/http-api';
import { MesosTsError } from '@mesos-ts/errors';
import { Value_Type, scheduler } from '@mesos-ts/proto';

export interface FakeMasterOptions {
  /** Announced in SUBSCRIBED; heartbeats go out at this rate unless `heartbeats` is false. */
  heartbeatIntervalSeconds?: number;
  heartbeats?: boolean;
  /** Close the n-th stream (0-based) this many ms after SUBSCRIBED. */
  closeStream?: { index: number; afterMs: number };
  /** Answer every non-SUBSCRIBE call with this status and body. */
  failCalls?: { status: number; body: string };
  /** Answer SUBSCRIBE with this status and body. */
  refuseSubscribe?: { status: number; body: string };
}

export interface ReceivedCall {
  call: scheduler.Call;
  streamId: string | undefined;
  contentType: string | undefined;
}

export interface FakeMaster {
  url: string;
  port: number;
  calls: ReceivedCall[];
  subscribes: scheduler.Call[];
  streams: EventStream<'mesos.v1.scheduler.Event'>[];
  close(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function startFakeMaster(options: FakeMasterOptions = {}): Promise<FakeMaster> {
  const calls: ReceivedCall[] = [];
  const subscribes: scheduler.Call[] = [];
  const streams: EventStream<'mesos.v1.scheduler.Event'>[] = [];
  let currentStreamId: string | undefined;
  const interval = options.heartbeatIntervalSeconds ?? 0.05;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const request = negotiateRequest(req.method ?? '', req.headers, 'scheduler');
    if (!request.ok) return writeError(res, request.error);
    const body = await readBody(req);
    if (!body.ok) return writeError(res, body.error);
    const decoded = decodeRequest('mesos.v1.scheduler.Call', body.value, request.value.contentType);
    if (!decoded.ok) return writeError(res, decoded.error);
    const call = decoded.value;

    if (call.type !== scheduler.Call_Type.SUBSCRIBE) {
      const streamId = getHeader(req.headers, 'Mesos-Stream-Id');
      calls.push({ call, streamId, contentType: getHeader(req.headers, 'Content-Type') });
      if (options.failCalls !== undefined) return writeResponse(res, { status: options.failCalls.status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: Buffer.from(options.failCalls.body) });
      if (streamId !== currentStreamId) {
        return writeError(res, new MesosTsError('INVALID_ARGUMENT', `The stream ID '${streamId ?? ''}' included in this request didn't match the stream ID currently associated with framework ID ${call.frameworkId?.value ?? ''}`));
      }
      return writeAccepted(res);
    }

    const response = negotiateResponse(req.headers, 'scheduler');
    if (!response.ok) return writeError(res, response.error);
    subscribes.push(call);
    if (options.refuseSubscribe !== undefined) return writeResponse(res, { status: options.refuseSubscribe.status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: Buffer.from(options.refuseSubscribe.body) });
    const index = streams.length;
    currentStreamId = `stream-${index}`;
    const frameworkId = call.subscribe?.frameworkInfo?.id ?? { value: 'framework-1' };
    const stream = createEventStream(res, {
      typeName: 'mesos.v1.scheduler.Event',
      contentType: response.value.messageEncoding,
      headers: { 'Mesos-Stream-Id': currentStreamId },
    });
    streams.push(stream);
    stream.send({ type: scheduler.Event_Type.SUBSCRIBED, subscribed: { frameworkId, heartbeatIntervalSeconds: interval } });
    stream.send({
      type: scheduler.Event_Type.OFFERS,
      offers: {
        offers: [
          {
            id: { value: `offer-${index}` },
            frameworkId,
            agentId: { value: 'agent-1' },
            hostname: 'agent-1.example',
            resources: [{ name: 'cpus', type: Value_Type.SCALAR, scalar: { value: 2 } }],
          },
        ],
      },
    });
    if (options.heartbeats !== false) stream.startHeartbeat({ intervalMs: interval * 1000, delayMs: 0, message: { type: scheduler.Event_Type.HEARTBEAT } });
    if (options.closeStream?.index === index) setTimeout(() => res.destroy(), options.closeStream.afterMs);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    calls,
    subscribes,
    streams,
    close: () => stop(server),
  };
}

/** A non-leading master: 307 to `leaderPort` with Mesos's scheme-relative Location. */
export async function startRedirector(leaderPort: number | 'self'): Promise<{ url: string; hits: number; close(): Promise<void> }> {
  const state = { url: '', hits: 0, close: (): Promise<void> => stop(server) };
  const server = createServer((req, res) => {
    state.hits += 1;
    req.resume();
    res.writeHead(307, { Location: `//127.0.0.1:${leaderPort === 'self' ? (server.address() as AddressInfo).port : leaderPort}/api/v1/scheduler` });
    res.end();
  });
  state.url = `http://127.0.0.1:${await listen(server)}`;
  return state;
}
