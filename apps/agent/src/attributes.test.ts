import { Value_Type } from '@mesos-ts/proto';
import { formatAttributes, parseAttributes } from './attributes';

describe('parseAttributes', () => {
  it('reads text, scalars and ranges', () => {
    const r = parseAttributes('rack:abc;zone:west;level:2.5;ports:[1-10, 20-30];url:http://x:80');
    if (!r.ok) throw r.error;
    expect(r.value).toEqual([
      { name: 'rack', type: Value_Type.TEXT, text: { value: 'abc' } },
      { name: 'zone', type: Value_Type.TEXT, text: { value: 'west' } },
      { name: 'level', type: Value_Type.SCALAR, scalar: { value: 2.5 } },
      { name: 'ports', type: Value_Type.RANGES, ranges: { range: [{ begin: 1n, end: 10n }, { begin: 20n, end: 30n }] } },
      { name: 'url', type: Value_Type.TEXT, text: { value: 'http://x:80' } },
    ]);
    expect(formatAttributes(r.value)).toBe('rack:abc;zone:west;level:2.5;ports:[1-10, 20-30];url:http://x:80');
  });

  it('skips empty tokens, splits on newlines and removes spaces from values', () => {
    const r = parseAttributes(';rack: r 1;;\nos:linux;');
    if (!r.ok) throw r.error;
    expect(formatAttributes(r.value)).toBe('rack:r1;os:linux');
  });

  it('is empty for an empty flag', () => {
    expect(parseAttributes('')).toEqual({ ok: true, value: [] });
  });

  it.each([
    ['rack', "Invalid attribute key:value pair 'rack'"],
    ['rack:', "Invalid attribute key:value pair 'rack:'"],
    [':abc', "Invalid attribute key:value pair ':abc'"],
    ['a:1;zone:{a,b}', "Invalid attribute 'zone:{a,b}'"],
    ['ports:[1-x]', "Invalid attribute 'ports:[1-x]'"],
    ['x:[1-2', "Invalid attribute 'x:[1-2'"],
    ['n:-1', "Invalid attribute 'n:-1'"],
  ])('rejects %s naming the token', (text, message) => {
    const r = parseAttributes(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('INVALID_ARGUMENT');
      expect(r.error.message).toContain(message);
    }
  });
});
