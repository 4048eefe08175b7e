import { encodeMesosJson, encodeProtobuf, master, scheduler, type MessageName } from '@mesos-ts/proto';
import { decodeRequest, encodeResponse } from './index';

const utf8 = (s: string): Uint8Array => Buffer.from(s, 'utf8');
const SUBSCRIBE = '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"alice","name":"hello"}}}';

function failure(typeName: MessageName, body: Uint8Array, contentType: 'json' | 'protobuf' | 'recordio'): [number, string] {
  const r = decodeRequest(typeName, body, contentType);
  if (r.ok) throw new Error('expected an error');
  return [r.error.httpStatus, r.error.message];
}

describe('decodeRequest', () => {
  it('decodes a JSON and a protobuf scheduler Call', () => {
    const json = decodeRequest('mesos.v1.scheduler.Call', utf8(SUBSCRIBE), 'json');
    expect(json.ok && json.value.type).toBe(scheduler.Call_Type.SUBSCRIBE);
    if (!json.ok) return;
    const pb = decodeRequest('mesos.v1.scheduler.Call', encodeProtobuf('mesos.v1.scheduler.Call', json.value), 'protobuf');
    expect(pb).toEqual(json);
  });

  it.each<[MessageName]>([['mesos.v1.scheduler.Call'], ['mesos.v1.executor.Call'], ['mesos.v1.master.Call']])(
    '%s: Mesos handler wording',
    (type) => {
      const [status, syntax] = failure(type, utf8('{"type":'), 'json');
      expect(status).toBe(400);
      expect(syntax).toMatch(/^Failed to parse body into JSON: \S/);
      expect(syntax).not.toContain('Failed to parse mesos');

      expect(failure(type, utf8(''), 'json')[1]).toMatch(/^Failed to parse body into JSON: /);
      expect(failure(type, utf8('[1]'), 'json')).toEqual([
        400,
        `Failed to convert JSON into Call protobuf: expected a JSON object for ${type}, got an array`,
      ]);
      expect(failure(type, utf8('{"type":7}'), 'json')).toEqual([
        400,
        'Failed to convert JSON into Call protobuf: type: expected an enum name (a JSON string), got number 7',
      ]);
      const [, pb] = failure(type, Uint8Array.of(0xff, 0xff, 0xff), 'protobuf');
      expect(pb).toMatch(/^Failed to parse body into Call protobuf: \S/);
      expect(pb).not.toContain('Failed to parse mesos');
    },
  );

  it('names the field at fault', () => {
    expect(failure('mesos.v1.scheduler.Call', utf8('{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":1,"name":"x"}}}'), 'json')).toEqual([
      400,
      'Failed to convert JSON into Call protobuf: subscribe.framework_info.user: expected a string, got number 1',
    ]);
  });

  it("drops unknown enum names as Mesos 1.11 does, unless told to refuse them", () => {
    const dropped = decodeRequest('mesos.v1.scheduler.Call', utf8('{"type":"NO_SUCH_CALL"}'), 'json');
    expect(dropped).toEqual({ ok: true, value: {} });
    const refused = decodeRequest('mesos.v1.scheduler.Call', utf8('{"type":"NO_SUCH_CALL"}'), 'json', { unknownEnums: 'error' });
    expect(!refused.ok && refused.error.message).toBe(
      "Failed to convert JSON into Call protobuf: type: unknown value 'NO_SUCH_CALL' for enum mesos.v1.scheduler.Call.Type",
    );
  });

  it('uses common/http deserialize wording for the agent Call', () => {
    expect(failure('mesos.v1.agent.Call', utf8('{'), 'json')[1]).toMatch(/^Failed to parse body into JSON: \S/);
    expect(failure('mesos.v1.agent.Call', utf8('[]'), 'json')).toEqual([400, 'expected a JSON object for mesos.v1.agent.Call, got an array']);
    expect(failure('mesos.v1.agent.Call', Uint8Array.of(0xff), 'protobuf')[1]).toMatch(/^Failed to parse body into a protobuf object: \S/);
    expect(failure('mesos.v1.agent.Call', utf8(''), 'recordio')).toEqual([400, 'Deserializing a RecordIO stream is not supported']);
  });

  it('reads JSON bodies as UTF-8', () => {
    const r = decodeRequest('mesos.v1.scheduler.Call', utf8('{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"ü","name":"名前"}}}'), 'json');
    expect(r.ok && r.value.subscribe?.frameworkInfo?.name).toBe('名前');
  });
});

describe('encodeResponse', () => {
  const response: master.Response = { type: master.Response_Type.GET_VERSION };

  it('encodes JSON as Mesos writes it, with its Content-Type', () => {
    const out = encodeResponse('mesos.v1.master.Response', response, 'json');
    expect(out.contentType).toBe('application/json');
    expect(Buffer.from(out.body).toString('utf8')).toBe(encodeMesosJson('mesos.v1.master.Response', response));
  });

  it('encodes protobuf binary, with its Content-Type', () => {
    const out = encodeResponse('mesos.v1.master.Response', response, 'protobuf');
    expect(out.contentType).toBe('application/x-protobuf');
    expect(Buffer.from(out.body)).toEqual(Buffer.from(encodeProtobuf('mesos.v1.master.Response', response)));
  });
});
