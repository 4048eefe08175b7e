/**
 * The master's v1 operator API (`POST /api/v1`): request checks and errors in Mesos's order and words, the simple
 * reads (health, flags, version, metrics, logging level, master) in JSON and protobuf, and redirect.
 */
import { encodeProtobuf, master } from '@mesos-ts/proto';
import { cluster, type Cluster } from './helpers';
import { jsonCall, parseResponse, protoCall, rawCall } from './operator-helpers';

describe('operator API: requests and simple reads', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await cluster(1, ['--weights=eng=2']);
  });
  afterAll(async () => {
    await c.stop();
  });

  describe('request checks', () => {
    it('answers 405 with Allow: POST for a GET', async () => {
      const answer = await rawCall(c.url, '', {}, '/api/v1', 'GET');
      expect(answer.status).toBe(405);
      expect(answer.headers.get('allow')).toBe('POST');
      expect(answer.text).toBe("405 Method Not Allowed. Expecting one of { 'POST' }, but received 'GET'.");
    });

    it('is also served at /master/api/v1', async () => {
      const answer = await rawCall(c.url, JSON.stringify({ type: 'GET_HEALTH' }), { 'Content-Type': 'application/json' }, '/master/api/v1');
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text)).toEqual({ type: 'GET_HEALTH', get_health: { healthy: true } });
    });

    it('answers 400 without a Content-Type and 415 for an unsupported one', async () => {
      const none = await rawCall(c.url, new Uint8Array([1]), {});
      expect(none.status).toBe(400);
      expect(none.text).toBe("Expecting 'Content-Type' to be present");
      const text = await rawCall(c.url, '{}', { 'Content-Type': 'text/plain' });
      expect(text.status).toBe(415);
      expect(text.text).toBe("Expecting 'Content-Type' of application/json or application/x-protobuf");
    });

    it('answers 400 for bodies that are not a Call', async () => {
      const notJson = await rawCall(c.url, '{"type":', { 'Content-Type': 'application/json' });
      expect(notJson.status).toBe(400);
      expect(notJson.text).toMatch(/^Failed to parse body into JSON: /);
      const wrongShape = await rawCall(c.url, JSON.stringify({ type: 'GET_HEALTH', get_metrics: 5 }), { 'Content-Type': 'application/json' });
      expect(wrongShape.status).toBe(400);
      expect(wrongShape.text).toMatch(/^Failed to convert JSON into Call protobuf: .*get_metrics/);
      const badProto = await rawCall(c.url, new Uint8Array([0xff, 0xff, 0xff]), { 'Content-Type': 'application/x-protobuf' });
      expect(badProto.status).toBe(400);
      expect(badProto.text).toMatch(/^Failed to parse body into Call protobuf/);
    });

    it('answers 400 for a call without its type or its arguments', async () => {
      const noType = await jsonCall(c.url, {});
      expect(noType.status).toBe(400);
      expect(noType.text).toBe("Failed to validate master::Call: Expecting 'type' to be present");
      const unknownName = await jsonCall(c.url, { type: 'NO_SUCH_CALL' });
      expect(unknownName.status).toBe(400);
      expect(unknownName.text).toBe("Failed to validate master::Call: Expecting 'type' to be present");
      for (const [type, field] of [
        ['GET_METRICS', 'get_metrics'],
        ['SET_LOGGING_LEVEL', 'set_logging_level'],
        ['UPDATE_WEIGHTS', 'update_weights'],
        ['UPDATE_QUOTA', 'update_quota'],
        ['SET_QUOTA', 'set_quota'],
        ['REMOVE_QUOTA', 'remove_quota'],
        ['TEARDOWN', 'teardown'],
      ] as const) {
        const answer = await jsonCall(c.url, { type });
        expect([type, answer.status, answer.text]).toEqual([type, 400, `Failed to validate master::Call: Expecting '${field}' to be present`]);
      }
    });

    it('answers 400 when a required field inside the arguments is missing', async () => {
      const answer = await jsonCall(c.url, { type: 'TEARDOWN', teardown: {} });
      expect(answer.status).toBe(400);
      expect(answer.text).toMatch(/framework_id/);
    });

    it('answers 406 when the client accepts neither JSON nor protobuf, after validating the call', async () => {
      const answer = await rawCall(c.url, JSON.stringify({ type: 'GET_HEALTH' }), { 'Content-Type': 'application/json', Accept: 'text/html' });
      expect(answer.status).toBe(406);
      expect(answer.text).toBe("Expecting 'Accept' to allow 'application/x-protobuf' or 'application/json'");
      const invalidFirst = await rawCall(c.url, JSON.stringify({}), { 'Content-Type': 'application/json', Accept: 'text/html' });
      expect(invalidFirst.status).toBe(400);
    });

    it('answers an empty 501 for the UNKNOWN call, as libprocess NotImplemented()', async () => {
      const answer = await protoCall(c.url, { type: master.Call_Type.UNKNOWN });
      expect(answer.status).toBe(501);
      expect(answer.text).toBe('');
    });

    it('answers in the accepted type, whatever the request was', async () => {
      const answer = await rawCall(c.url, encodeProtobuf('mesos.v1.master.Call', { type: master.Call_Type.GET_HEALTH }), {
        'Content-Type': 'application/x-protobuf',
        Accept: 'application/json',
      });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('application/json');
      expect(JSON.parse(answer.text)).toEqual({ type: 'GET_HEALTH', get_health: { healthy: true } });
      const noAccept = await rawCall(c.url, encodeProtobuf('mesos.v1.master.Call', { type: master.Call_Type.GET_HEALTH }), { 'Content-Type': 'application/x-protobuf' });
      // No Accept header accepts anything: JSON, as Mesos prefers it.
      expect(noAccept.headers.get('content-type')).toBe('application/json');
    });
  });

  describe('reads', () => {
    it('GET_HEALTH in protobuf', async () => {
      const { status, response } = await protoCall(c.url, { type: master.Call_Type.GET_HEALTH });
      expect(status).toBe(200);
      expect(response).toEqual({ type: master.Response_Type.GET_HEALTH, getHealth: { healthy: true } });
    });

    it('GET_FLAGS lists the flags as /flags does', async () => {
      const { json } = await jsonCall(c.url, { type: 'GET_FLAGS' });
      expect(json.type).toBe('GET_FLAGS');
      const flags = Object.fromEntries((json.get_flags.flags as { name: string; value: string }[]).map((f) => [f.name, f.value]));
      expect(flags).toMatchObject({ allocation_interval: '100ms', weights: 'eng=2', port: '0' });
      const viaHttp = (await (await fetch(`${c.url}/flags`)).json()) as { flags: Record<string, string> };
      expect(flags).toEqual(viaHttp.flags);
    });

    it('GET_VERSION', async () => {
      const { response } = await protoCall(c.url, { type: master.Call_Type.GET_VERSION });
      expect(response?.getVersion?.versionInfo).toMatchObject({ version: '1.11.0' });
      expect(typeof response?.getVersion?.versionInfo?.buildTime).toBe('number');
    });

    it('GET_METRICS with and without a timeout', async () => {
      const { json } = await jsonCall(c.url, { type: 'GET_METRICS', get_metrics: { timeout: { nanoseconds: 5e9 } } });
      const metrics = Object.fromEntries((json.get_metrics.metrics as { name: string; value: number }[]).map((m) => [m.name, m.value]));
      expect(metrics).toMatchObject({ 'master/elected': 1, 'master/slaves_active': 1, 'master/cpus_total': 4 });
      const proto = await protoCall(c.url, { type: master.Call_Type.GET_METRICS, getMetrics: {} });
      expect(proto.response?.getMetrics?.metrics?.find((m) => m.name === 'master/elected')?.value).toBe(1);
    });

    it('GET_LOGGING_LEVEL, SET_LOGGING_LEVEL and the revert after its duration', async () => {
      expect((await jsonCall(c.url, { type: 'GET_LOGGING_LEVEL' })).json).toEqual({ type: 'GET_LOGGING_LEVEL', get_logging_level: { level: 0 } });
      const set = await jsonCall(c.url, { type: 'SET_LOGGING_LEVEL', set_logging_level: { level: 2, duration: { nanoseconds: 300e6 } } });
      expect([set.status, set.text]).toEqual([200, '']);
      expect((await jsonCall(c.url, { type: 'GET_LOGGING_LEVEL' })).json.get_logging_level.level).toBe(2);
      expect(c.master.core.log.level).toBe('trace');
      await new Promise((r) => setTimeout(r, 500));
      expect((await jsonCall(c.url, { type: 'GET_LOGGING_LEVEL' })).json.get_logging_level.level).toBe(0);
      expect(c.master.core.log.level).toBe('silent');
      await jsonCall(c.url, { type: 'SET_LOGGING_LEVEL', set_logging_level: { level: 1, duration: { nanoseconds: 60e9 } } });
      expect(c.master.core.log.level).toBe('debug');
      await jsonCall(c.url, { type: 'SET_LOGGING_LEVEL', set_logging_level: { level: 0, duration: { nanoseconds: 1e9 } } });
      expect(c.master.core.log.level).toBe('silent');
    });

    it('GET_MASTER', async () => {
      const { json } = await jsonCall(c.url, { type: 'GET_MASTER' });
      const response = parseResponse(JSON.stringify(json));
      expect(response.getMaster?.masterInfo?.id).toBe(c.master.info.id);
      expect(response.getMaster?.masterInfo?.port).toBe(c.master.address.port);
      expect(response.getMaster?.startTime).toBe(c.master.core.startTime);
      expect(response.getMaster?.electedTime).toBe(c.master.core.startTime);
    });

    it('GET_OPERATIONS answers an empty list', async () => {
      const { response } = await protoCall(c.url, { type: master.Call_Type.GET_OPERATIONS });
      expect(response?.type).toBe(master.Response_Type.GET_OPERATIONS);
      expect(response?.getOperations?.operations ?? []).toEqual([]);
    });
  });

  describe('/redirect', () => {
    it('answers 307 to this master, the leader', async () => {
      for (const path of ['/redirect', '/master/redirect']) {
        const res = await fetch(`${c.url}${path}`, { redirect: 'manual' });
        expect(res.status).toBe(307);
        expect(res.headers.get('location')).toBe(`//${c.master.info.hostname}:${c.master.address.port}`);
      }
      expect((await fetch(`${c.url}/master/redirect/x`, { redirect: 'manual' })).status).toBe(404);
    });
  });
});
