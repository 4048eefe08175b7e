import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallPoster } from './call-poster';

interface Seen {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

describe('CallPoster', () => {
  let server: Server;
  let origin: string;
  const seen: Seen[] = [];
  let sockets = new Set<unknown>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      sockets.add(req.socket);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        if (body === 'boom') {
          res.writeHead(400, { 'Content-Type': 'text/plain', 'Content-Length': '4' });
          res.end('nope');
          return;
        }
        if (body === 'hang-up') {
          req.socket.destroy();
          return;
        }
        // Answer out of arrival time (later requests first) to check that pipelined answers keep their order.
        setTimeout(() => {
          res.writeHead(202, { 'Content-Length': '0' });
          res.end();
        }, body.startsWith('slow') ? 20 : 0);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    seen.length = 0;
    sockets = new Set();
  });

  it('POSTs the body with the given headers and a content-length, and gives back status and body', async () => {
    const poster = new CallPoster(origin, { connections: 1 });
    try {
      const ok = await poster.post('/api/v1/scheduler', { 'content-type': 'application/x-protobuf', 'mesos-stream-id': 's1' }, Buffer.from('hello'));
      expect(ok.status).toBe(202);
      expect(ok.body.length).toBe(0);
      const bad = await poster.post('/api/v1/scheduler', {}, Buffer.from('boom'));
      expect(bad).toMatchObject({ status: 400 });
      expect(bad.body.toString()).toBe('nope');
      expect(seen[0]).toMatchObject({ method: 'POST', url: '/api/v1/scheduler', body: 'hello' });
      expect(seen[0]!.headers).toMatchObject({ 'content-type': 'application/x-protobuf', 'mesos-stream-id': 's1', 'content-length': '5', connection: 'keep-alive' });
      // Both on one kept-alive connection.
      expect(sockets.size).toBe(1);
    } finally {
      poster.close();
    }
  });

  it('pipelines calls on few connections and answers each in order', async () => {
    const poster = new CallPoster(origin, { connections: 2, pipelining: 8 });
    try {
      const bodies = Array.from({ length: 16 }, (_, i) => (i % 3 === 0 ? `slow-${i}` : `fast-${i}`));
      const answers = await Promise.all(bodies.map((b) => poster.post('/x', {}, Buffer.from(b)).then((r) => r.status)));
      expect(answers).toEqual(bodies.map(() => 202));
      expect(seen.map((s) => s.body).sort()).toEqual([...bodies].sort());
      expect(sockets.size).toBeLessThanOrEqual(2);
    } finally {
      poster.close();
    }
  });

  it('rejects the calls of a connection that breaks, and carries on with a new one', async () => {
    const poster = new CallPoster(origin, { connections: 1, pipelining: 4 });
    try {
      await expect(poster.post('/x', {}, Buffer.from('hang-up'))).rejects.toThrow();
      await expect(poster.post('/x', {}, Buffer.from('after'))).resolves.toMatchObject({ status: 202 });
    } finally {
      poster.close();
    }
  });

  it('refuses calls once closed, and a non-http origin', async () => {
    const poster = new CallPoster(origin);
    poster.close();
    await expect(poster.post('/x', {}, Buffer.alloc(0))).rejects.toThrow('The poster is closed');
    expect(() => new CallPoster('https://127.0.0.1:1')).toThrow("Invalid origin 'https://127.0.0.1:1': only http is supported");
  });
});
