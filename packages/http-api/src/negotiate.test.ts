import type { ApiEndpoint, RequestHeaders } from './index';
import { checkAgentStreamingCall, errorResponse, negotiate, negotiateRequest, negotiateResponse } from './index';

const JSON_ = 'application/json';
const PB = 'application/x-protobuf';
const RIO = 'application/recordio';
const NON_AGENT: ApiEndpoint[] = ['scheduler', 'executor', 'master-operator'];
const ALL: ApiEndpoint[] = [...NON_AGENT, 'agent-operator'];

function failure(method: string, headers: RequestHeaders, endpoint: ApiEndpoint): [number, string] {
  const r = negotiate(method, headers, endpoint);
  if (r.ok) throw new Error(`expected an error, got ${JSON.stringify(r.value)}`);
  return [r.error.httpStatus, r.error.message];
}

describe.each(ALL)('%s endpoint', (endpoint) => {
  it.each(['GET', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'post'])('refuses %s with 405 and Allow: POST', (method) => {
    const [status, body] = failure(method, { 'content-type': JSON_ }, endpoint);
    expect(status).toBe(405);
    expect(body).toBe(`405 Method Not Allowed. Expecting one of { 'POST' }, but received '${method}'.`);
    const r = negotiate(method, {}, endpoint);
    if (r.ok) throw new Error('unreachable');
    expect(errorResponse(r.error).headers).toMatchObject({ Allow: 'POST', 'Content-Type': 'text/plain; charset=utf-8' });
  });

  it('checks the method before anything else', () => {
    expect(failure('GET', {}, endpoint)[0]).toBe(405);
  });

  it('answers 400 when Content-Type is missing', () => {
    expect(failure('POST', { accept: JSON_ }, endpoint)).toEqual([400, "Expecting 'Content-Type' to be present"]);
  });

  it('takes JSON and protobuf bodies; no Accept means a JSON response', () => {
    expect(negotiate('POST', { 'content-type': JSON_ }, endpoint)).toEqual({ ok: true, value: { contentType: 'json', accept: 'json', messageEncoding: 'json' } });
    expect(negotiate('POST', { 'Content-Type': PB }, endpoint)).toEqual({ ok: true, value: { contentType: 'protobuf', accept: 'json', messageEncoding: 'json' } });
  });

  it('chooses JSON over protobuf whatever the q-values, protobuf when JSON is refused', () => {
    const pick = (accept: string): unknown => negotiateResponse({ accept }, endpoint);
    expect(pick(`${PB};q=1, ${JSON_};q=0.1`)).toEqual({ ok: true, value: { accept: 'json', messageEncoding: 'json' } });
    expect(pick('*/*')).toEqual({ ok: true, value: { accept: 'json', messageEncoding: 'json' } });
    expect(pick('application/*')).toEqual({ ok: true, value: { accept: 'json', messageEncoding: 'json' } });
    expect(pick(PB)).toEqual({ ok: true, value: { accept: 'protobuf', messageEncoding: 'protobuf' } });
    expect(pick(`${JSON_};q=0, */*`)).toEqual({ ok: true, value: { accept: 'protobuf', messageEncoding: 'protobuf' } });
  });

  it('compares Content-Type exactly, as Mesos does', () => {
    for (const type of [`${JSON_}; charset=utf-8`, 'Application/Json', ` ${JSON_}`, 'text/plain', '']) {
      expect(failure('POST', { 'content-type': type }, endpoint)[0]).toBe(415);
    }
  });
});

describe.each(NON_AGENT)('%s endpoint (JSON or protobuf only)', (endpoint) => {
  it('answers 415 for another Content-Type, recordio included', () => {
    for (const type of [RIO, 'text/plain']) {
      expect(failure('POST', { 'content-type': type }, endpoint)).toEqual([
        415,
        'Expecting \'Content-Type\' of application/json or application/x-protobuf',
      ]);
    }
  });

  it("answers 406 when Accept allows neither JSON nor protobuf, quoting the types", () => {
    for (const accept of ['text/html', '', RIO, `${JSON_};q=0, ${PB};q=0`, '*/*;q=0']) {
      expect(failure('POST', { 'content-type': JSON_, accept }, endpoint)).toEqual([
        406,
        "Expecting 'Accept' to allow 'application/x-protobuf' or 'application/json'",
      ]);
    }
  });

  it('ignores Message-Content-Type and Message-Accept', () => {
    expect(negotiate('POST', { 'content-type': JSON_, 'message-content-type': 'x/y', 'message-accept': 'x/y' }, endpoint).ok).toBe(true);
  });

  it('splits into request and response halves so 400s can come before 406 as in Mesos', () => {
    expect(negotiateRequest('POST', { 'content-type': PB, accept: 'text/html' }, endpoint)).toEqual({ ok: true, value: { contentType: 'protobuf' } });
    expect(negotiateResponse({ accept: 'text/html' }, endpoint).ok).toBe(false);
  });
});

describe('agent operator endpoint', () => {
  const agent = (headers: RequestHeaders): ReturnType<typeof negotiate> => negotiate('POST', headers, 'agent-operator');
  const fail = (headers: RequestHeaders): [number, string] => failure('POST', headers, 'agent-operator');

  it('answers 415 naming recordio too', () => {
    expect(fail({ 'content-type': 'text/plain' })).toEqual([
      415,
      "Expecting 'Content-Type' of application/json or application/x-protobuf or application/recordio",
    ]);
  });

  it('takes a RecordIO body with Message-Content-Type', () => {
    expect(agent({ 'content-type': RIO, 'message-content-type': PB })).toEqual({
      ok: true,
      value: { contentType: 'recordio', messageContentType: 'protobuf', accept: 'json', messageEncoding: 'json' },
    });
    expect(agent({ 'content-type': RIO, 'Message-Content-Type': JSON_ })).toMatchObject({ ok: true, value: { messageContentType: 'json' } });
  });

  it('answers 400 for a RecordIO body without Message-Content-Type', () => {
    expect(fail({ 'content-type': RIO })).toEqual([400, "Expecting 'Message-Content-Type' to be set for streaming requests"]);
  });

  it('answers 415 for a RecordIO body with another Message-Content-Type', () => {
    for (const type of [RIO, 'text/plain', '']) {
      expect(fail({ 'content-type': RIO, 'message-content-type': type })).toEqual([
        415,
        "Expecting 'Message-Content-Type' of application/json or application/x-protobuf",
      ]);
    }
  });

  it('answers 415 for Message-Content-Type on a non-streaming body', () => {
    expect(fail({ 'content-type': JSON_, 'message-content-type': JSON_ })).toEqual([
      415,
      "Expecting 'Message-Content-Type' to be not set for non-streaming requests",
    ]);
  });

  it('answers 406 without quotes, naming recordio', () => {
    expect(fail({ 'content-type': JSON_, accept: 'text/html' })).toEqual([
      406,
      "Expecting 'Accept' to allow application/json or application/x-protobuf or application/recordio",
    ]);
  });

  it('chooses a RecordIO response only when JSON and protobuf are refused; Message-Accept defaults to JSON', () => {
    expect(agent({ 'content-type': JSON_, accept: RIO })).toEqual({
      ok: true,
      value: { contentType: 'json', accept: 'recordio', messageAccept: 'json', messageEncoding: 'json' },
    });
    expect(agent({ 'content-type': JSON_, accept: `${RIO}, ${PB}` })).toMatchObject({ ok: true, value: { accept: 'protobuf', messageEncoding: 'protobuf' } });
    expect(agent({ 'content-type': JSON_, accept: RIO, 'message-accept': PB })).toMatchObject({
      ok: true,
      value: { accept: 'recordio', messageAccept: 'protobuf', messageEncoding: 'protobuf' },
    });
    expect(agent({ 'content-type': JSON_, accept: RIO, 'message-accept': `${JSON_};q=0, */*` })).toMatchObject({
      ok: true,
      value: { messageAccept: 'protobuf' },
    });
  });

  it('answers 406 for an unacceptable Message-Accept', () => {
    expect(fail({ 'content-type': JSON_, accept: RIO, 'message-accept': 'text/html' })).toEqual([
      406,
      "Expecting 'Message-Accept' to allow application/json or application/x-protobuf",
    ]);
  });

  it('answers 406 for Message-Accept on a non-streaming response (even empty)', () => {
    for (const value of [JSON_, '']) {
      expect(fail({ 'content-type': JSON_, 'message-accept': value })).toEqual([
        406,
        "Expecting 'Message-Accept' to be not set for non-streaming responses",
      ]);
    }
  });

  it('checks request headers before Accept', () => {
    expect(fail({ 'content-type': RIO, accept: 'text/html' })[0]).toBe(400);
  });

  describe('checkAgentStreamingCall', () => {
    const n = (contentType: 'json' | 'recordio', accept: 'json' | 'recordio') =>
      contentType === 'recordio'
        ? accept === 'recordio'
          ? ({ contentType, messageContentType: 'json', accept, messageAccept: 'json', messageEncoding: 'json' } as const)
          : ({ contentType, messageContentType: 'json', accept, messageEncoding: 'json' } as const)
        : accept === 'recordio'
          ? ({ contentType, accept, messageAccept: 'json', messageEncoding: 'json' } as const)
          : ({ contentType, accept, messageEncoding: 'json' } as const);
    const check = (call: string, c: 'json' | 'recordio', a: 'json' | 'recordio'): unknown => {
      const r = checkAgentStreamingCall(call, n(c, a));
      return r.ok ? 'ok' : [r.error.httpStatus, r.error.message];
    };

    it('allows streaming only where Mesos does', () => {
      expect(check('GET_STATE', 'json', 'json')).toBe('ok');
      expect(check('ATTACH_CONTAINER_INPUT', 'recordio', 'json')).toBe('ok');
      expect(check('ATTACH_CONTAINER_OUTPUT', 'json', 'recordio')).toBe('ok');
      expect(check('LAUNCH_NESTED_CONTAINER_SESSION', 'json', 'recordio')).toBe('ok');
      expect(check('GET_STATE', 'recordio', 'json')).toEqual([415, "Streaming 'Content-Type' application/recordio is not supported for GET_STATE call"]);
      expect(check('ATTACH_CONTAINER_INPUT', 'json', 'json')).toEqual([
        415,
        "Expecting 'Content-Type' to be application/recordio for ATTACH_CONTAINER_INPUT call",
      ]);
      expect(check('GET_STATE', 'json', 'recordio')).toEqual([406, 'Streaming response is not supported for GET_STATE call']);
    });
  });
});
