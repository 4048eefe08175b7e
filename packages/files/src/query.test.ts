import { parseInteger, parsePathQuery, parseReadQuery } from './query';

const q = (s: string): URLSearchParams => new URLSearchParams(s);

describe('files query parameters', () => {
  it('requires a non-empty path with Mesos message', () => {
    for (const query of ['', 'path=', 'offset=1']) {
      const out = parsePathQuery(q(query));
      expect(!out.ok && out.error.message).toBe("Expecting 'path=value' in query.\n");
      expect(!out.ok && out.error.httpStatus).toBe(400);
    }
  });

  it('defaults offset to -1 (size only) and length to none; length=-1 means none', () => {
    expect(parseReadQuery(q('path=/a'))).toEqual({ ok: true, value: { path: '/a', offset: -1 } });
    expect(parseReadQuery(q('path=/a&offset=10&length=-1'))).toEqual({ ok: true, value: { path: '/a', offset: 10 } });
    expect(parseReadQuery(q('path=/a&offset=0&length=5'))).toEqual({ ok: true, value: { path: '/a', offset: 0, length: 5 } });
  });

  it.each([
    ['path=/a&offset=abc', "Failed to parse offset: 'abc' is not an integer.\n"],
    ['path=/a&offset=1.5', "Failed to parse offset: '1.5' is not an integer.\n"],
    ['path=/a&offset=-2', 'Negative offset provided: -2.\n'],
    ['path=/a&length=x', "Failed to parse length: 'x' is not an integer.\n"],
    ['path=/a&length=-7', 'Negative length provided: -7.\n'],
    ['path=/a&offset=99999999999999999999', "Failed to parse offset: '99999999999999999999' is out of range.\n"],
  ])('%s -> 400 %j', (query, message) => {
    const out = parseReadQuery(q(query));
    expect(out.ok).toBe(false);
    expect(!out.ok && out.error.message).toBe(message);
  });

  it('parses integers strictly', () => {
    expect(parseInteger('+12')).toEqual({ ok: true, value: 12 });
    expect(parseInteger('-0')).toEqual({ ok: true, value: 0 });
    expect(parseInteger(' 1').ok).toBe(false);
    expect(parseInteger('1e3').ok).toBe(false);
    expect(parseInteger('').ok).toBe(false);
  });
});
