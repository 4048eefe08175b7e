// A tiny master that answers POST /api/v1/scheduler: SUBSCRIBE gets a stream of two events (SUBSCRIBED, then a
// HEARTBEAT every `heartbeatMs`); other calls get 202. Run it with
//   npx tsx --conditions=@mesos-ts/source packages/http-api/examples/subscribe-server.ts
// and it subscribes to itself with fetch and prints the events.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createEventStream, decodeRequest, negotiateRequest, negotiateResponse, readBody, writeAccepted, writeError } from '@mesos-ts/http-api';
import { scheduler } from '@mesos-ts/proto';
import { decodeRecords } from '@mesos-ts/recordio';

export function createSchedulerServer(heartbeatMs = 15_000): Server {
  return createServer(async (req, res) => {
    if (req.url !== '/api/v1/scheduler') {
      res.writeHead(404).end();
      return;
    }
    // Master::Http::scheduler's order: method and Content-Type, then the body, then Accept (SUBSCRIBE only).
    const request = negotiateRequest(req.method ?? '', req.headers, 'scheduler');
    if (!request.ok) return writeError(res, request.error);
    const body = await readBody(req);
    if (!body.ok) return writeError(res, body.error);
    const call = decodeRequest('mesos.v1.scheduler.Call', body.value, request.value.contentType);
    if (!call.ok) return writeError(res, call.error);
    if (call.value.type !== scheduler.Call_Type.SUBSCRIBE) return writeAccepted(res);

    const response = negotiateResponse(req.headers, 'scheduler');
    if (!response.ok) return writeError(res, response.error);
    const stream = createEventStream(res, {
      typeName: 'mesos.v1.scheduler.Event',
      contentType: response.value.messageEncoding,
      headers: { 'Mesos-Stream-Id': randomUUID() },
    });
    stream.send({
      type: scheduler.Event_Type.SUBSCRIBED,
      subscribed: { frameworkId: { value: 'framework-1' }, heartbeatIntervalSeconds: heartbeatMs / 1000 },
    });
    // As Mesos: the first heartbeat right after SUBSCRIBED, then one per interval.
    stream.startHeartbeat({ intervalMs: heartbeatMs, delayMs: 0, message: { type: scheduler.Event_Type.HEARTBEAT } });
  });
}

async function main(): Promise<void> {
  const server = createSchedulerServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  const controller = new AbortController();
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/scheduler`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'alice', name: 'hello' } } }),
    signal: controller.signal,
  });
  console.log(res.status, res.headers.get('content-type'), res.headers.get('mesos-stream-id'));

  let seen = 0;
  for await (const record of decodeRecords(res.body!)) {
    console.log(Buffer.from(record).toString('utf8')); // {"type":"SUBSCRIBED",...} then {"type":"HEARTBEAT"}
    if (++seen === 2) break;
  }
  controller.abort();
  server.close();
  server.closeAllConnections();
}

if (require.main === module) void main();
