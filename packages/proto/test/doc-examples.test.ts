import fs from 'node:fs';
import path from 'node:path';
import { isLosslessNumber, parse as parseLossless } from 'lossless-json';
import { decodeMesosJson, encodeMesosJson, messageSchema, type MessageName } from '../src/index';
import type { FieldSchema, MessageSchema } from '../src/codec/schema';

interface Example {
  readonly source: string;
  readonly type: MessageName;
  readonly json: unknown;
}

const fixture = parseLossless(fs.readFileSync(path.join(__dirname, 'fixtures/mesos-doc-examples.json'), 'utf8')) as { examples: Example[] };

function numeric(v: unknown): string | undefined {
  if (isLosslessNumber(v)) return /^-?\d+$/.test(v.value) ? BigInt(v.value).toString() : String(Number(v.value));
  return undefined;
}

/**
 * Checks that what we wrote says everything the example said, and that the
 * only additions are fields Mesos also adds: unset fields with a declared,
 * non-deprecated default.
 */
function compare(schema: MessageSchema | undefined, original: unknown, written: unknown, at: string, problems: string[]): void {
  const n1 = numeric(original);
  if (n1 !== undefined) {
    // Enums given as strings, numbers as numbers: compare by value.
    if (n1 !== numeric(written)) problems.push(`${at}: ${n1} became ${String(numeric(written) ?? written)}`);
    return;
  }
  if (Array.isArray(original)) {
    // An empty repeated field is the same as an absent one; Mesos omits it too.
    if (original.length === 0 && written === undefined) return;
    if (!Array.isArray(written) || written.length !== original.length) {
      problems.push(`${at}: array of ${original.length} became ${JSON.stringify(written)}`);
      return;
    }
    original.forEach((v, i) => compare(schema, v, written[i], `${at}[${i}]`, problems));
    return;
  }
  if (original !== null && typeof original === 'object') {
    if (written === null || typeof written !== 'object') {
      problems.push(`${at}: object became ${JSON.stringify(written)}`);
      return;
    }
    const o = original as Record<string, unknown>;
    const w = written as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      const field: FieldSchema | undefined = schema?.byName.get(key);
      if (schema && !field) {
        problems.push(`${at}.${key}: not a field of ${schema.fullName}`);
        continue;
      }
      const sub = field?.kind === 'message' && field.mapKey === undefined ? field.messageType?.() : undefined;
      if (field?.mapKey !== undefined) {
        const mo = o[key] as Record<string, unknown>;
        const mw = w[key] as Record<string, unknown>;
        for (const k of Object.keys(mo)) compare(field.messageType?.(), mo[k], mw?.[k], `${at}.${key}[${k}]`, problems);
        continue;
      }
      compare(sub, o[key], w[key], `${at}.${key}`, problems);
    }
    for (const key of Object.keys(w)) {
      if (key in o) continue;
      const field = schema?.byName.get(key);
      if (!field || field.defaultValue === undefined || field.deprecated) problems.push(`${at}.${key}: written but not in the example`);
    }
    return;
  }
  if (original !== written) problems.push(`${at}: ${JSON.stringify(original)} became ${JSON.stringify(written)}`);
}

/**
 * Some examples in Mesos's docs are not what Mesos itself accepts or writes
 * back. Each one is listed with what Mesos does with it (from the rules of its
 * JSON parser, stout's protobuf::parse), and we check that we do the same.
 */
type DocError =
  /** Mesos answers an error; so must we, naming the field. */
  | { readonly rejected: RegExp }
  /** Mesos ignores keys that are not fields of the message, so they are not written back. */
  | { readonly unknownFields: readonly string[] }
  /** Mesos drops an enum name it does not know (we do with `unknownEnums: 'drop'`). */
  | { readonly unknownEnum: string; readonly unknownFields: readonly string[] }
  /** Bytes whose base64 is not canonical read fine but are written back canonically, by Mesos too. */
  | { readonly nonCanonicalBase64: string };

const DOC_ERRORS: Record<string, DocError> = {
  'scheduler-http-api.md:171': { rejected: /limits\["cpus"\]: expected a JSON object for mesos.v1.Value.Scalar, got the string "Infinity"/ },
  'scheduler-http-api.md:343': { nonCanonicalBase64: 'acknowledge.uuid' },
  'scheduler-http-api.md:369': { rejected: /acknowledge_operation_status.operation_id: expected a JSON object for mesos.v1.OperationID/ },
  'scheduler-http-api.md:481': { unknownFields: ['mesos.v1.scheduler.Call.requests'] },
  'scheduler-http-api.md:666': { rejected: /offers: expected a JSON object for mesos.v1.scheduler.Event.Offers, got an array/ },
  'scheduler-http-api.md:722': { unknownFields: ['mesos.v1.scheduler.Event.update.status.bytes'] },
  'scheduler-http-api.md:743': { rejected: /update_operation_status.status.uuid: expected a JSON object for mesos.v1.UUID/ },
  'scheduler-http-api.md:804': { rejected: /message: expected a JSON object for mesos.v1.scheduler.Event.Message/ },
  'executor-http-api.md:101': { unknownFields: ['mesos.v1.executor.Call.subscribe.unacknowledged_updates[0].framework_id'] },
  'executor-http-api.md:153': { rejected: /subscribed.agent_info: missing required field 'hostname'/ },
  'executor-http-api.md:277': { unknownFields: ['mesos.v1.executor.Event.launch.framework_info'] },
  'operator-http-api.md:958': { rejected: /get_state.get_frameworks.frameworks\[0\]: missing required field 'recovered'/ },
  'operator-http-api.md:1253': {
    unknownFields: ['active', 'agent_info', 'pid', 'registered_time', 'total_resources', 'version'].map((f) => `mesos.v1.master.Response.${f}`),
  },
  'operator-http-api.md:1376': { rejected: /get_frameworks.frameworks\[0\]: missing required field 'recovered'/ },
  'operator-http-api.md:1689': { rejected: /latest_status.uuid.value: invalid base64/ },
  'operator-http-api.md:2553': { unknownFields: ['mesos.v1.master.Response.get_quota.status.infos[0].configs'] },
  'operator-http-api.md:2807': { rejected: /task_added.task: missing required fields 'framework_id', 'state'/ },
  'operator-http-api.md:2838': { rejected: /task_updated: missing required field 'status'/ },
  'operator-http-api.md:3885': { rejected: /latest_status.uuid.value: invalid base64/ },
  'operator-http-api.md:4131': { unknownEnum: 'DATA', unknownFields: ['mesos.v1.agent.Response.data'] },
  'operator-http-api.md:4287': { unknownEnum: 'DATA', unknownFields: ['mesos.v1.agent.Response.data'] },
};

function roundTrip(example: Example, unknownEnums: 'error' | 'drop' = 'error'): string[] {
  const decoded = decodeMesosJson(example.type, example.json, { unknownEnums });
  if (!decoded.ok) throw decoded.error;
  const written = parseLossless(encodeMesosJson(example.type, decoded.value));
  const problems: string[] = [];
  compare(messageSchema(example.type), example.json, written, example.type, problems);
  return problems;
}

describe("the JSON examples of Mesos's HTTP API docs", () => {
  it('are all there', () => {
    expect(fixture.examples.length).toBeGreaterThanOrEqual(120);
    for (const source of Object.keys(DOC_ERRORS)) expect(fixture.examples.map((e) => e.source)).toContain(source);
  });

  const good = fixture.examples.filter((e) => !(e.source in DOC_ERRORS));
  it.each(good.map((e) => [e.source, e] as const))('%s parses and re-encodes to the same JSON', (_source, example) => {
    expect(roundTrip(example)).toEqual([]);
  });

  const bad = fixture.examples.filter((e) => e.source in DOC_ERRORS);
  it.each(bad.map((e) => [e.source, e] as const))('%s (wrong in the docs) is handled as Mesos handles it', (source, example) => {
    const expected = DOC_ERRORS[source] as DocError;
    if ('rejected' in expected) {
      const r = decodeMesosJson(example.type, example.json);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(expected.rejected);
    } else if ('unknownEnum' in expected) {
      const strict = decodeMesosJson(example.type, example.json);
      expect(!strict.ok && strict.error.message).toMatch(new RegExp(`unknown value '${expected.unknownEnum}'`));
      const problems = roundTrip(example, 'drop');
      expect(problems.sort()).toEqual(
        [`${example.type}.type: "${expected.unknownEnum}" became undefined`, ...expected.unknownFields.map((f) => `${f}: not a field of ${example.type}`)].sort(),
      );
    } else if ('unknownFields' in expected) {
      const problems = roundTrip(example);
      expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([...expected.unknownFields].sort());
      for (const p of problems) expect(p).toMatch(/: not a field of /);
    } else {
      const problems = roundTrip(example);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(new RegExp(`${expected.nonCanonicalBase64}: "[^"]+" became "[^"]+="`));
    }
  });
});
