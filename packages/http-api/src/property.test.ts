import fc from 'fast-check';
import { encodeProtobuf, type MessageName } from '@mesos-ts/proto';
import { createRng, randomMessage } from '@mesos-ts/proto/testing';
import { acceptsMediaType, decodeRequest, negotiate, type ApiEndpoint } from './index';

const ENDPOINTS: ApiEndpoint[] = ['scheduler', 'executor', 'master-operator', 'agent-operator'];
const CALLS: MessageName[] = ['mesos.v1.scheduler.Call', 'mesos.v1.executor.Call', 'mesos.v1.master.Call', 'mesos.v1.agent.Call'];
const STATUSES = new Set([400, 405, 406, 415]);

// Header values built from the pieces that matter, plus noise.
const mediaRange = fc.constantFrom('application/json', 'application/x-protobuf', 'application/recordio', '*/*', 'application/*', 'text/html', 'JSON', '');
const param = fc.oneof(fc.constantFrom(';q=0', ';q=1', ';q=0.5', ';q=abc', ';Q=0', ';q=', ';level=1', ';q=0;q=1', ''), fc.string());
const headerValue = fc.oneof(
  fc
    .tuple(fc.array(fc.tuple(mediaRange, param).map(([m, p]) => m + p), { maxLength: 4 }), fc.constantFrom(',', ', ', ' ,\t'))
    .map(([xs, separator]) => xs.join(separator)),
  fc.string(),
  fc.array(fc.string(), { maxLength: 3 }),
);
const headerName = fc.constantFrom('Accept', 'accept', 'Content-Type', 'content-type', 'Message-Accept', 'message-content-type', 'x-other');
const headers = fc.dictionary(headerName, fc.option(headerValue, { nil: undefined }), { maxKeys: 6 });
const method = fc.oneof(fc.constantFrom('POST', 'GET', 'PUT', 'post'), fc.string());

describe('never throws', () => {
  it('negotiate: on any method and headers, a result with one of the statuses Mesos uses', () => {
    fc.assert(
      fc.property(method, headers, fc.constantFrom(...ENDPOINTS), (m, h, endpoint) => {
        const r = negotiate(m, h, endpoint);
        if (!r.ok) expect(STATUSES.has(r.error.httpStatus)).toBe(true);
        else expect(['json', 'protobuf', 'recordio']).toContain(r.value.accept);
      }),
      { numRuns: 2000 },
    );
  });

  it('acceptsMediaType: on any header and type', () => {
    fc.assert(fc.property(fc.option(fc.string(), { nil: undefined }), fc.string(), (h, t) => typeof acceptsMediaType(h, t) === 'boolean'), {
      numRuns: 2000,
    });
  });

  it('decodeRequest: on any bytes, JSON-ish text or type, a 400 or a message', () => {
    const jsonish = fc.oneof(fc.json(), fc.string(), fc.constantFrom('{"type":"SUBSCRIBE"}', '{"type":1}', '{"subscribe":[]}', '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"a","name":"b","id":{"value":7}}}}'));
    const body = fc.oneof(fc.uint8Array({ maxLength: 64 }), jsonish.map((s) => Buffer.from(s, 'utf8')));
    fc.assert(
      fc.property(fc.constantFrom(...CALLS), body, fc.constantFrom('json', 'protobuf', 'recordio', 'xml' as 'json'), (type, b, ct) => {
        const r = decodeRequest(type, b, ct);
        if (!r.ok) expect([400, 415]).toContain(r.error.httpStatus);
      }),
      { numRuns: 2000 },
    );
  });

  it('decodeRequest: round-trips random valid calls through protobuf', () => {
    const rng = createRng(42);
    for (const type of CALLS) {
      for (let i = 0; i < 50; i++) {
        const call = randomMessage(type, rng);
        const r = decodeRequest(type, encodeProtobuf(type, call as never), 'protobuf');
        expect(r.ok).toBe(true);
      }
    }
  });
});
