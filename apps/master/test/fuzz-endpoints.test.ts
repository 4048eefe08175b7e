/**
 * Fuzzing the master's body-reading endpoints: random bytes, random JSON and random operator calls (every call
 * type with random fields) to the operator API in both media types, and random bodies to the legacy form and JSON
 * endpoints. Every answer must be a 2xx or a 4xx with a body that says what is wrong (never a 5xx, never a
 * dropped connection), and the master must keep serving: `/health` answers and its state still encodes.
 */
import fc from 'fast-check';
import { encodeMesosJson, encodeProtobuf, master, parseMesosJson } from '@mesos-ts/proto';
import { cluster, type Cluster } from './helpers';

const POST_PATHS = [
  '/master/reserve',
  '/master/unreserve',
  '/master/create-volumes',
  '/master/destroy-volumes',
  '/master/maintenance/schedule',
  '/master/machine/down',
  '/master/machine/up',
  '/master/teardown',
  '/master/quota',
  '/master/weights',
] as const;

/** SUBSCRIBE opens a stream that never ends; UNKNOWN is answered 501 Not Implemented, as Mesos answers it. */
const SKIPPED = new Set<master.Call_Type>([master.Call_Type.SUBSCRIBE, master.Call_Type.UNKNOWN]);
const CALL_TYPES = Object.values(master.Call_Type).filter((v): v is master.Call_Type => typeof v === 'number' && !SKIPPED.has(v));

/** The snake_case field of a call type's arguments, e.g. RESERVE_RESOURCES -> reserve_resources. */
const argumentField = (type: master.Call_Type): string => master.Call_Type[type].toLowerCase();

async function send(url: string, method: string, contentType: string, body: Uint8Array | string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method, headers: { 'Content-Type': contentType, Accept: contentType.startsWith('application/x-protobuf') ? contentType : 'application/json' }, body });
  return { status: res.status, text: await res.text() };
}

function expectHandled(answer: { status: number; text: string }, what: string): void {
  if (answer.status >= 500) throw new Error(`${what} answered ${answer.status}: ${answer.text}`);
  // 404, 405, 406 and 415 may come without a body, as libprocess sends them; every other 4xx says why.
  if (answer.status >= 400 && ![404, 405, 406, 415].includes(answer.status) && answer.text.trim() === '') {
    throw new Error(`${what} answered ${answer.status} without saying why`);
  }
}

describe('fuzzing the master endpoints that read bodies', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await cluster(1);
  });
  afterAll(async () => {
    await c.stop();
  });

  async function stillServing(): Promise<void> {
    expect((await fetch(`${c.url}/health`)).status).toBe(200);
    expect((await fetch(`${c.url}/master/state`)).status).toBe(200);
  }

  it('answers random bytes and random JSON to the operator API with 4xx, in both media types', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.json().map((j) => Buffer.from(j))),
        fc.constantFrom('application/json', 'application/x-protobuf'),
        async (body, contentType) => {
          const answer = await send(`${c.url}/api/v1`, 'POST', contentType, body);
          expectHandled(answer, `POST /api/v1 (${contentType}) ${Buffer.from(body).toString('hex').slice(0, 80)}`);
        },
      ),
      { numRuns: 150 },
    );
    await stillServing();
  });

  it('answers every call type with random arguments, in JSON and protobuf, without a 5xx', async () => {
    const agentId = c.agents[0]!.agentId!;
    // Random argument objects in Mesos JSON: random keys and values, sometimes with the real agent ID.
    const args = fc.oneof(
      fc.constant({}),
      fc.dictionary(fc.constantFrom('agent_id', 'resources', 'volumes', 'role', 'framework_id', 'machines', 'path', 'offset', 'length', 'level', 'duration', 'weight_infos', 'quota_configs', 'schedule'), fc.jsonValue(), { maxKeys: 4 }),
      fc.record({ agent_id: fc.constant({ value: agentId }), resources: fc.array(fc.record({ name: fc.constantFrom('cpus', 'mem', 'disk', 'x'), type: fc.constantFrom('SCALAR', 'RANGES'), scalar: fc.record({ value: fc.double({ min: -10, max: 1e6, noNaN: true }) }) }), { maxLength: 3 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CALL_TYPES), args, fc.boolean(), async (type, fields, protobuf) => {
        const json = { type: master.Call_Type[type], [argumentField(type)]: fields };
        let body: string | Uint8Array = JSON.stringify(json);
        if (protobuf) {
          // Only calls whose JSON decodes can be re-encoded as protobuf; the rest go as JSON.
          const decoded = parseMesosJson('mesos.v1.master.Call', body);
          if (decoded.ok) body = encodeProtobuf('mesos.v1.master.Call', decoded.value);
          else protobuf = false;
        }
        const answer = await send(`${c.url}/api/v1`, 'POST', protobuf ? 'application/x-protobuf' : 'application/json', body);
        expectHandled(answer, `${master.Call_Type[type]} ${JSON.stringify(json).slice(0, 200)}`);
      }),
      { numRuns: 300 },
    );
    await stillServing();
    // The master still answers a well-formed call normally.
    const ok = await send(`${c.url}/api/v1`, 'POST', 'application/json', encodeMesosJson('mesos.v1.master.Call', { type: master.Call_Type.GET_HEALTH }));
    expect(ok.status).toBe(200);
  });

  it('answers random bodies to the legacy form and JSON endpoints with 2xx or 4xx', async () => {
    const form = fc
      .record({ slaveId: fc.oneof(fc.string(), fc.constant(c.agents[0]!.agentId!)), resources: fc.oneof(fc.string(), fc.json()), volumes: fc.oneof(fc.string(), fc.json()), frameworkId: fc.string() }, { requiredKeys: [] })
      .map((r) => new URLSearchParams(r as Record<string, string>).toString());
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...POST_PATHS),
        fc.constantFrom('POST', 'PUT', 'DELETE'),
        fc.oneof(form, fc.json(), fc.string(), fc.uint8Array({ maxLength: 100 }).map((b) => Buffer.from(b).toString('latin1'))),
        async (path, method, body) => {
          const type = path.includes('maintenance') || path.includes('machine') || path.includes('quota') || path.includes('weights') ? 'application/json' : 'application/x-www-form-urlencoded';
          const answer = await send(`${c.url}${path}`, method, type, body);
          expectHandled(answer, `${method} ${path} ${body.slice(0, 120)}`);
        },
      ),
      { numRuns: 300 },
    );
    await stillServing();
  });
});
