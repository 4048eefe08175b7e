import fc from 'fast-check';
import { isMesosTsError } from '@mesos-ts/errors';
import { encodeRecord, encodeRecords } from './encoder';
import { byteLengthOf, utf8ByteLength } from './internal/utf8';
import { text, unicodeString, utf8 } from './internal/test-helpers';

describe('encodeRecord', () => {
  it('frames bytes as <length>\\n<body> in one buffer', () => {
    const out = encodeRecord(utf8('hello'));
    expect(out).toBeInstanceOf(Uint8Array);
    expect(text(out)).toBe('5\nhello');
  });

  it('frames an empty record as 0\\n', () => {
    expect(text(encodeRecord(new Uint8Array(0)))).toBe('0\n');
    expect(text(encodeRecord(''))).toBe('0\n');
  });

  it('counts UTF-8 bytes, not UTF-16 units, for strings', () => {
    expect(text(encodeRecord('héllo'))).toBe('6\nhéllo');
    expect(text(encodeRecord('€'))).toBe('3\n€');
    expect(text(encodeRecord('😀'))).toBe('4\n😀'); // one surrogate pair, 2 UTF-16 units
  });

  it('encodes lone surrogates as U+FFFD, like TextEncoder', () => {
    expect(Array.from(encodeRecord('\ud800'))).toEqual([0x33, 0x0a, 0xef, 0xbf, 0xbd]);
    expect(Array.from(encodeRecord('\udc00x'))).toEqual([0x34, 0x0a, 0xef, 0xbf, 0xbd, 0x78]);
  });

  it('writes multi-digit prefixes', () => {
    for (const size of [9, 10, 99, 100, 1000, 65536]) {
      const out = encodeRecord(new Uint8Array(size).fill(0x61));
      const prefix = `${size}\n`;
      expect(out.length).toBe(prefix.length + size);
      expect(text(out.subarray(0, prefix.length))).toBe(prefix);
    }
  });

  it('copies the body and leaves the input untouched', () => {
    const body = utf8('abc');
    const out = encodeRecord(body);
    expect(out.buffer).not.toBe(body.buffer);
    body[0] = 0x7a;
    expect(text(out)).toBe('3\nabc');
  });

  it('accepts Buffers and views with an offset', () => {
    expect(text(encodeRecord(Buffer.from('xyz')))).toBe('3\nxyz');
    expect(text(encodeRecord(utf8('--abc--').subarray(2, 5)))).toBe('3\nabc');
  });

  it('rejects other values with INVALID_ARGUMENT', () => {
    for (const bad of [42, null, undefined, {}, new ArrayBuffer(2), [1, 2]]) {
      let thrown: unknown;
      try {
        encodeRecord(bad as unknown as string);
      } catch (error) {
        thrown = error;
      }
      expect(isMesosTsError(thrown) && thrown.code).toBe('INVALID_ARGUMENT');
    }
  });

  it('utf8ByteLength and byteLengthOf agree with TextEncoder on any string, lone surrogates included', () => {
    const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u));
    const anyString = fc.oneof(fc.string({ unit: anyUnit }), unicodeString());
    fc.assert(
      fc.property(anyString, (s) => {
        const expected = new TextEncoder().encode(s);
        const size = utf8ByteLength(s);
        const framed = encodeRecord(s);
        return size === expected.length && byteLengthOf(s) === expected.length && Buffer.from(framed).equals(Buffer.concat([Buffer.from(`${size}\n`), expected]));
      }),
      { numRuns: 300 },
    );
  });
});

describe('encodeRecords', () => {
  it('frames each record of a sync iterable', async () => {
    const out: string[] = [];
    for await (const chunk of encodeRecords(['a', utf8('bc'), ''])) out.push(text(chunk));
    expect(out).toEqual(['1\na', '2\nbc', '0\n']);
  });

  it('frames each record of an async iterable', async () => {
    async function* source(): AsyncGenerator<string> {
      yield '{"type":"HEARTBEAT"}';
      yield 'ü';
    }
    const out: string[] = [];
    for await (const chunk of encodeRecords(source())) out.push(text(chunk));
    expect(out).toEqual(['20\n{"type":"HEARTBEAT"}', '2\nü']);
  });
});
