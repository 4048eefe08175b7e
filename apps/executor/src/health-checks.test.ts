import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { HealthCheck_Type } from '@mesos-ts/proto';
import { checkRunner, runCommandCheck, runHttpCheck, runTcpCheck } from './health-checks';

const servers: { close(cb: () => void): void }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

async function httpServer(): Promise<number> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/ok') res.writeHead(204).end();
    else if (req.url === '/moved') res.writeHead(302, { Location: '/ok' }).end();
    else if (req.url === '/loop') res.writeHead(302, { Location: '/loop' }).end();
    else if (req.url === '/slow') setTimeout(() => res.writeHead(200).end(), 2000);
    else res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push({
    close: (cb) => {
      server.closeAllConnections();
      server.close(cb);
    },
  });
  return (server.address() as AddressInfo).port;
}

describe('COMMAND checks', () => {
  it('pass on exit 0 and fail with the exit status, with the command environment', async () => {
    expect(await runCommandCheck({ value: 'test "$X" = y', environment: { variables: [{ name: 'X', value: 'y' }] } }, process.env, 5000)).toEqual({ ok: true, value: undefined });
    expect(await runCommandCheck({ value: 'exit 2' }, process.env, 5000)).toEqual({ ok: false, error: 'Command exited with status 2' });
    expect(await runCommandCheck({ shell: false, value: '/bin/false', arguments: ['false'] }, process.env, undefined)).toEqual({ ok: false, error: 'Command exited with status 1' });
  });

  it('time out, killing the command', async () => {
    const started = Date.now();
    expect(await runCommandCheck({ value: 'sleep 10' }, process.env, 200)).toEqual({ ok: false, error: 'Command timed out after 200ms' });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('HTTP checks', () => {
  it('pass on 2xx and 3xx (after following redirects) and fail otherwise', async () => {
    const port = await httpServer();
    expect(await runHttpCheck(`http://127.0.0.1:${port}/ok`, 2000)).toEqual({ ok: true, value: undefined });
    expect(await runHttpCheck(`http://127.0.0.1:${port}/moved`, 2000)).toEqual({ ok: true, value: undefined });
    expect(await runHttpCheck(`http://127.0.0.1:${port}/down`, 2000)).toEqual({ ok: false, error: 'Unexpected HTTP response code: 503 Service Unavailable' });
    // A redirect loop ends at curl's limit with the last 3xx, which counts as healthy, as with curl -L.
    expect(await runHttpCheck(`http://127.0.0.1:${port}/loop`, 5000)).toEqual({ ok: true, value: undefined });
  });

  it('fail when nothing listens, and time out', async () => {
    const port = await httpServer();
    const refused = await runHttpCheck('http://127.0.0.1:1/', 2000);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error).toContain('HTTP request to http://127.0.0.1:1/ failed');
    expect(await runHttpCheck(`http://127.0.0.1:${port}/slow`, 100)).toEqual({ ok: false, error: 'HTTP health check timed out after 100ms' });
  });

  it('the runner targets 127.0.0.1:<port><path>', async () => {
    const port = await httpServer();
    const run = checkRunner({ type: HealthCheck_Type.HTTP, http: { port, path: '/ok' } }, process.env);
    expect(await run(2000)).toEqual({ ok: true, value: undefined });
  });
});

describe('TCP checks', () => {
  it('pass when a connection opens and fail when refused', async () => {
    const server = createTcpServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    const port = (server.address() as AddressInfo).port;
    expect(await runTcpCheck('127.0.0.1', port, 2000)).toEqual({ ok: true, value: undefined });
    expect(await checkRunner({ type: HealthCheck_Type.TCP, tcp: { port } }, {})(2000)).toEqual({ ok: true, value: undefined });
    const refused = await runTcpCheck('127.0.0.1', 1, 2000);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error).toMatch(/^TCP connection failed: connect ECONNREFUSED/);
  });
});
