import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parse as parseLossless } from 'lossless-json';
import { snakeToCamel } from 'ts-proto/build/case';
import {
  allMessageNames,
  decodeMesosJson,
  decodeProtobuf,
  encodeMesosJson,
  encodeProtobuf,
  messageSchema,
  parseMesosJson,
  stringifyMesosJson,
  toMesosJson,
  type MessageName,
  type MessageTypes,
} from '../index';
import { createRng, randomMessage } from '../testing';

const genDir = path.join(__dirname, '../gen');

function parsed<N extends MessageName>(type: N, text: string): MessageTypes[N] {
  const r = parseMesosJson(type, text);
  if (!r.ok) throw r.error;
  return r.value;
}

/** Parses JSON text with numbers reduced to a canonical value string, so `1` and `1.0` compare equal. */
function normalised(text: string): unknown {
  return parseLossless(text, null, (n: string) => (/^-?\d+$/.test(n) ? BigInt(n).toString() : String(Number(n))));
}

function errorOf(r: { ok: boolean; error?: Error }): string {
  expect(r.ok).toBe(false);
  return r.error?.message ?? '';
}

describe('schema vs generated types', () => {
  it('names every field as ts-proto does', () => {
    let fields = 0;
    for (const name of allMessageNames()) {
      for (const f of messageSchema(name).fields) {
        const expected = f.name.includes('_') ? snakeToCamel(f.name) : f.name;
        expect(`${name}.${f.tsName}`).toBe(`${name}.${expected}`);
        fields++;
      }
    }
    expect(fields).toBeGreaterThan(1000);
  });

  it('matches the keys of every generated interface', () => {
    // messages.ts imports each message's interface from its file; read the
    // interface's property names straight from that file.
    const index = fs.readFileSync(path.join(genDir, 'messages.ts'), 'utf8');
    const source = new Map<string, { file: string; iface: string }>();
    for (const block of index.matchAll(/import type \{([^}]*)\} from '([^']+)';/g)) {
      for (const m of (block[1] ?? '').matchAll(/(\w+) as (\w+)/g)) {
        source.set(m[2] ?? '', { file: `${block[2] ?? ''}.ts`, iface: m[1] ?? '' });
      }
    }
    const files = new Map<string, string>();
    let checked = 0;
    for (const m of index.matchAll(/^ {2}'([\w.]+)': (\w+);$/gm)) {
      const name = m[1] ?? '';
      const src = source.get(m[2] ?? '');
      if (!src) throw new Error(`no import for ${name}`);
      let text = files.get(src.file);
      if (text === undefined) {
        text = fs.readFileSync(path.join(genDir, src.file), 'utf8');
        files.set(src.file, text);
      }
      const body = new RegExp(`^export interface ${src.iface} \\{\n([\\s\\S]*?)^\\}`, 'm').exec(text)?.[1] ?? '';
      const keys = [...body.matchAll(/^ {2}(\w+)\?:/gm)].map((k) => k[1]);
      const schema = messageSchema(name);
      expect(`${name}: ${keys.join(',')}`).toBe(`${name}: ${schema.fields.map((f) => f.tsName).join(',')}`);
      checked++;
    }
    expect(checked).toBe(allMessageNames().length);
  });
});

describe('Mesos JSON', () => {
  const subscribe = `{
    "type": "SUBSCRIBE",
    "subscribe": {
      "framework_info": {
        "user": "foo",
        "name": "Example HTTP Framework",
        "roles": ["test"],
        "capabilities": [{"type": "MULTI_ROLE"}]
      }
    }
  }`;

  it('reads snake_case keys into camelCase properties and enums into numbers', () => {
    const call = parsed('mesos.v1.scheduler.Call', subscribe);
    expect(call.subscribe?.frameworkInfo?.user).toBe('foo');
    expect(call.subscribe?.frameworkInfo?.roles).toEqual(['test']);
    expect(typeof call.type).toBe('number');
  });

  it('writes fields in declaration order, with undeclared defaults filled in as Mesos does', () => {
    const call = parsed('mesos.v1.scheduler.Call', subscribe);
    const text = encodeMesosJson('mesos.v1.scheduler.Call', call);
    // FrameworkInfo declares defaults for failover_timeout and checkpoint;
    // `role` also has one but is deprecated, so Mesos leaves it out.
    expect(text).toBe(
      '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"foo","name":"Example HTTP Framework","failover_timeout":0.0,"checkpoint":false,' +
        '"roles":["test"],"capabilities":[{"type":"MULTI_ROLE"}]}}}',
    );
  });

  it('keeps 64-bit integers exact beyond 2^53', () => {
    const text = '{"nanoseconds": 9223372036854775807}';
    const t = parsed('mesos.v1.TimeInfo', text);
    expect(t.nanoseconds).toBe(9223372036854775807n);
    expect(encodeMesosJson('mesos.v1.TimeInfo', t)).toBe('{"nanoseconds":9223372036854775807}');
    expect(stringifyMesosJson(toMesosJson('mesos.v1.TimeInfo', t))).toBe('{"nanoseconds":9223372036854775807}');
    const back = decodeProtobuf('mesos.v1.TimeInfo', encodeProtobuf('mesos.v1.TimeInfo', t));
    expect(back.ok && back.value.nanoseconds).toBe(9223372036854775807n);
    // Also from a numeric string, and from an already parsed bigint.
    expect(parsed('mesos.v1.TimeInfo', '{"nanoseconds": "-9223372036854775808"}').nanoseconds).toBe(-9223372036854775808n);
    const fromValue = decodeMesosJson('mesos.v1.TimeInfo', { nanoseconds: 12345678901234567890n % 2n ** 63n });
    expect(fromValue.ok && fromValue.value.nanoseconds).toBe(12345678901234567890n % 2n ** 63n);
  });

  it('writes doubles as Mesos does', () => {
    const scalar = (value: number): string => encodeMesosJson('mesos.v1.Value.Scalar', { value });
    expect(scalar(1)).toBe('{"value":1.0}');
    expect(scalar(0.1)).toBe('{"value":0.1}');
    expect(scalar(-2.5)).toBe('{"value":-2.5}');
    expect(scalar(1e21)).toBe('{"value":1e21}');
    expect(scalar(1.5e-7)).toBe('{"value":1.5e-7}');
    expect(scalar(-0)).toBe('{"value":-0.0}');
    expect(() => scalar(Number.NaN)).toThrow(/value: NaN cannot be written/);
  });

  it('accepts numeric strings, boolean strings and Infinity as Mesos does', () => {
    const f = parsed('mesos.v1.FrameworkInfo', '{"user":"u","name":"n","failover_timeout":"Infinity","checkpoint":"true"}');
    expect(f.failoverTimeout).toBe(Number.POSITIVE_INFINITY);
    expect(f.checkpoint).toBe(true);
    const r = parsed('mesos.v1.Value.Range', '{"begin":"31000","end":32000.0}');
    expect(r).toEqual({ begin: 31000n, end: 32000n });
  });

  it('treats null as unset, repeated fields included, and a lone value as a one-element list', () => {
    const f = parsed('mesos.v1.FrameworkInfo', '{"user":"u","name":"n","roles":null,"hostname":null,"capabilities":{"type":"GPU_RESOURCES"}}');
    expect(f.roles).toBeUndefined();
    expect(f.hostname).toBeUndefined();
    expect(f.capabilities).toHaveLength(1);
  });

  it('ignores unknown keys, as Mesos does', () => {
    expect(parsed('mesos.v1.FrameworkID', '{"value":"x","future_field":{"a":1}}')).toEqual({ value: 'x' });
  });

  it('reads and writes the map field (FrameworkInfo.offer_filters) as a JSON object', () => {
    const text = '{"user":"u","name":"n","offer_filters":{"web":{"min_allocatable_resources":{"quantities":[{"quantities":{"cpus":{"value":1}}}]}}}}';
    const f = parsed('mesos.v1.FrameworkInfo', text);
    expect(Object.keys(f.offerFilters ?? {})).toEqual(['web']);
    expect(encodeMesosJson('mesos.v1.FrameworkInfo', f)).toContain('"offer_filters":{"web":{"min_allocatable_resources":{"quantities":[{"quantities":{"cpus":{"value":1.0}}}]}}}');
  });

  it('reads and writes bytes as base64', () => {
    const m = parsed('mesos.v1.scheduler.Call.Message', '{"agent_id":{"value":"a"},"executor_id":{"value":"e"},"data":"aGVsbG8="}');
    expect(Buffer.from(m.data ?? new Uint8Array()).toString()).toBe('hello');
    expect(encodeMesosJson('mesos.v1.scheduler.Call.Message', m)).toContain('"data":"aGVsbG8="');
  });

  describe('errors name the field and the value', () => {
    it.each([
      ['{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":1,"name":"n"}}}', 'subscribe.framework_info.user: expected a string, got number 1'],
      ['{"type":"SUBSCRIBBE"}', "type: unknown value 'SUBSCRIBBE' for enum mesos.v1.scheduler.Call.Type"],
      ['{"type":"SUBSCRIBE","subscribe":{"framework_info":{"name":"n"}}}', "subscribe.framework_info: missing required field 'user' of mesos.v1.FrameworkInfo"],
      ['{"type":"SUBSCRIBE","subscribe":[1]}', 'subscribe: expected a JSON object for mesos.v1.scheduler.Call.Subscribe, got an array'],
      ['{"type":"DECLINE","decline":{"offer_ids":[{"value":"o"}],"filters":{"refuse_seconds":"soon"}}}', 'decline.filters.refuse_seconds: expected a number (double), got the string "soon"'],
      ['[]', 'expected a JSON object for mesos.v1.scheduler.Call, got an array'],
    ])('%s', (text, message) => {
      expect(errorOf(parseMesosJson('mesos.v1.scheduler.Call', text))).toContain(message);
    });

    it('rejects fractions, out-of-range integers and bad base64', () => {
      expect(errorOf(parseMesosJson('mesos.v1.Value.Range', '{"begin":1.5,"end":2}'))).toContain('begin: expected an integer (uint64), got 1.5');
      expect(errorOf(parseMesosJson('mesos.v1.Value.Range', '{"begin":-1,"end":2}'))).toContain('begin: -1 is out of range for uint64');
      expect(errorOf(parseMesosJson('mesos.v1.Value.Range', '{"begin":18446744073709551616,"end":2}'))).toContain('out of range for uint64');
      expect(errorOf(parseMesosJson('mesos.v1.Offer.Operation.Launch', '{"task_infos":[{"name":"t","task_id":{"value":"t"},"agent_id":{"value":"a"},"data":"%%%"}]}'))).toContain(
        'task_infos[0].data: invalid base64',
      );
    });

    it('rejects malformed JSON with the position', () => {
      expect(errorOf(parseMesosJson('mesos.v1.scheduler.Call', '{"type":'))).toMatch(/malformed JSON: .*position/);
      expect(errorOf(parseMesosJson('mesos.v1.scheduler.Call', '{"type":"SUBSCRIBE","type":"TEARDOWN"}'))).toMatch(/Duplicate key/);
    });

    it('drops unknown enum names when asked to, as Mesos does', () => {
      const r = parseMesosJson('mesos.v1.FrameworkInfo.Capability', '{"type":"FROM_THE_FUTURE"}', { unknownEnums: 'drop' });
      expect(r.ok && r.value).toEqual({});
    });

    it('refuses to write enum numbers the enum does not define', () => {
      expect(() => encodeMesosJson('mesos.v1.FrameworkInfo.Capability', { type: 999 as never })).toThrow(/type: 999 is not a value of enum mesos.v1.FrameworkInfo.Capability.Type/);
    });
  });
});

describe('fuzzing the JSON decoder', () => {
  const types: MessageName[] = ['mesos.v1.scheduler.Call', 'mesos.v1.master.Call', 'mesos.v1.executor.Call', 'mesos.v1.agent.Call', 'mesos.v1.Resource'];

  it('answers every JSON value with a Result, never a throw', () => {
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.jsonValue({ maxDepth: 4 }), (type, value) => {
        const r = decodeMesosJson(type, value);
        if (!r.ok) expect(r.error.code).toBe('INVALID_ARGUMENT');
      }),
      { numRuns: 3000 },
    );
  });

  it('answers every text with a Result, never a throw', () => {
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.oneof(fc.string(), fc.json(), fc.uint8Array({ maxLength: 64 })), (type, text) => {
        const r = parseMesosJson(type, text);
        if (!r.ok) expect(r.error.message).toMatch(/^Failed to parse /);
      }),
      { numRuns: 3000 },
    );
  });

  it('survives mutations of valid messages: wrong types land on a field-naming error', () => {
    fc.assert(
      fc.property(fc.integer(), fc.jsonValue({ maxDepth: 1 }), (seed, junk) => {
        const rng = createRng(seed);
        const message = randomMessage('mesos.v1.scheduler.Call', rng, { maxDepth: 3 });
        const json = JSON.parse(encodeMesosJson('mesos.v1.scheduler.Call', message).replace(/\d{16,}/g, '1')) as Record<string, unknown>;
        // Replace one value somewhere in the tree with junk.
        const paths: Array<[Record<string, unknown>, string]> = [];
        const collect = (o: unknown): void => {
          if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) { paths.push([o as Record<string, unknown>, k]); collect(v); }
        };
        collect(json);
        if (paths.length === 0) return;
        const [obj, key] = paths[Math.floor(rng() * paths.length)] as [Record<string, unknown>, string];
        obj[key] = junk;
        const r = decodeMesosJson('mesos.v1.scheduler.Call', json);
        if (!r.ok) expect(r.error.message).toMatch(/^Failed to parse mesos.v1.scheduler.Call from JSON: \S/);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('protobuf binary', () => {
  it('keeps proto2 presence: fields set to their zero value survive', () => {
    const f = { user: '', name: 'n', checkpoint: false, failoverTimeout: 0 };
    const back = decodeProtobuf('mesos.v1.FrameworkInfo', encodeProtobuf('mesos.v1.FrameworkInfo', f));
    expect(back.ok && back.value).toEqual(f);
    const range = { begin: 0n, end: 0n };
    const r = decodeProtobuf('mesos.v1.Value.Range', encodeProtobuf('mesos.v1.Value.Range', range));
    expect(r.ok && r.value).toEqual(range);
  });

  it('fails cleanly on missing required fields and on garbage', () => {
    expect(() => encodeProtobuf('mesos.v1.Value.Range', { begin: 1n } as never)).toThrow(/missing required field 'end' of mesos.v1.Value.Range/);
    expect(errorOf(decodeProtobuf('mesos.v1.Value.Range', Uint8Array.from([8, 1])))).toMatch(/missing required 'end'/);
    expect(errorOf(decodeProtobuf('mesos.v1.scheduler.Call', Uint8Array.from([0x0a, 0xff, 0xff, 0xff])))).toMatch(/Failed to parse mesos.v1.scheduler.Call from protobuf/);
  });

  it('drops enum numbers the schema does not define, as proto2 does', () => {
    // FrameworkInfo.Capability { type = 1 (varint 12345) }
    const bytes = Uint8Array.from([0x08, 0xb9, 0x60]);
    const r = decodeProtobuf('mesos.v1.FrameworkInfo.Capability', bytes);
    expect(r.ok && r.value).toEqual({});
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const r = decodeProtobuf('mesos.v1.scheduler.Call', bytes);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('round trips of random messages', () => {
  const names = allMessageNames().filter((n) => !n.startsWith('google.')) as MessageName[];

  it('binary -> message is the identity, and JSON -> binary -> JSON gives the same text, for every message type', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rng = createRng(seed);
        const type = names[Math.floor(rng() * names.length)] as MessageName;
        const message = randomMessage(type, rng);
        const bytes = encodeProtobuf(type, message);
        const back = decodeProtobuf(type, bytes);
        if (!back.ok) throw back.error;
        expect(back.value).toEqual(message);

        const text = encodeMesosJson(type, message);
        const fromJson = parseMesosJson(type, text);
        if (!fromJson.ok) throw fromJson.error;
        const viaBinary = decodeProtobuf(type, encodeProtobuf(type, fromJson.value));
        if (!viaBinary.ok) throw viaBinary.error;
        expect(encodeMesosJson(type, viaBinary.value)).toBe(text);
        // The object form says the same as the text form (numbers compared by value).
        expect(normalised(stringifyMesosJson(toMesosJson(type, message)))).toEqual(normalised(text));
      }),
      { numRuns: 1500 },
    );
  });

  it('covers every message type at least once', () => {
    for (const [i, type] of names.entries()) {
      const message = randomMessage(type, createRng(i + 1), { maxDepth: 2 });
      const r = decodeProtobuf(type, encodeProtobuf(type, message));
      if (!r.ok) throw r.error;
      expect(r.value).toEqual(message);
      const j = parseMesosJson(type, encodeMesosJson(type, message));
      if (!j.ok) throw j.error;
    }
    expect(names.length).toBeGreaterThan(330);
  });
});
