import { isMesosTsError, MesosTsError } from '@mesos-ts/errors';
import { DEFAULT_MAX_RECORD_SIZE, RecordIODecoder } from './decoder';
import { encodeRecord } from './encoder';
import { isRecordIOError, MAX_PREFIX_DIGITS, RecordIOError } from './error';
import { concat, expectRecordIOError, text, utf8 } from './internal/test-helpers';

const texts = (records: readonly Uint8Array[]): string[] => records.map(text);

/** Decodes `chunks` with a fresh decoder, ends it, and returns the records as text. */
function decodeAll(chunks: readonly (Uint8Array | string)[], maxRecordSize?: number): string[] {
  const decoder = new RecordIODecoder(maxRecordSize === undefined ? {} : { maxRecordSize });
  const out: Uint8Array[] = [];
  for (const chunk of chunks) out.push(...decoder.push(chunk));
  decoder.end();
  return texts(out);
}

describe('RecordIODecoder: well-formed streams', () => {
  it('decodes one record', () => {
    expect(decodeAll([utf8('5\nhello')])).toEqual(['hello']);
  });

  it('decodes many records in one chunk, empty ones included', () => {
    expect(decodeAll([utf8('1\na0\n2\nbc0\n0\n3\ndef')])).toEqual(['a', '', 'bc', '', '', 'def']);
  });

  it('decodes an empty stream and empty chunks to nothing', () => {
    expect(decodeAll([])).toEqual([]);
    expect(decodeAll([new Uint8Array(0), '', new Uint8Array(0)])).toEqual([]);
  });

  it('accepts leading zeros and a prefix of exactly MAX_PREFIX_DIGITS digits', () => {
    expect(decodeAll([utf8('005\nhello')])).toEqual(['hello']);
    expect(decodeAll([utf8(`${'0'.repeat(MAX_PREFIX_DIGITS - 1)}2\nok`)])).toEqual(['ok']);
  });

  it('decodes the same records wherever the stream is split once or twice', () => {
    const stream = concat(['{"type":"SUBSCRIBED"}', '', 'héllo wörld 😀', 'x'.repeat(123)].map(encodeRecord));
    const expected = decodeAll([stream]);
    expect(expected).toEqual(['{"type":"SUBSCRIBED"}', '', 'héllo wörld 😀', 'x'.repeat(123)]);
    for (let a = 0; a <= stream.length; a++) {
      expect(decodeAll([stream.subarray(0, a), stream.subarray(a)])).toEqual(expected);
      for (let b = a; b <= stream.length; b += 7) {
        expect(decodeAll([stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)])).toEqual(expected);
      }
    }
  });

  it('decodes one byte at a time, through prefixes and multi-byte characters', () => {
    const stream = concat(['€uro', '', '12345678901'].map(encodeRecord));
    const chunks = Array.from(stream, (byte) => Uint8Array.of(byte));
    expect(decodeAll(chunks)).toEqual(['€uro', '', '12345678901']);
  });

  it('reassembles a multi-byte character split between chunks', () => {
    const stream = encodeRecord('€'); // 3\n E2 82 AC
    expect(decodeAll([stream.subarray(0, 3), stream.subarray(3, 4), stream.subarray(4)])).toEqual(['€']);
  });

  it('takes string chunks as UTF-8', () => {
    expect(decodeAll(['2', '\n', 'ü', '3\n€', '0\n'])).toEqual(['ü', '€', '']);
  });

  it('reassembles a record larger than the gathering buffer’s first size', () => {
    const body = new Uint8Array(3 * 1024 * 1024 + 17);
    for (let i = 0; i < body.length; i++) body[i] = (i * 31) & 0xff;
    const stream = concat([encodeRecord(body), encodeRecord('tail')]);
    const decoder = new RecordIODecoder();
    const records: Uint8Array[] = [];
    for (let at = 0; at < stream.length; at += 65536) records.push(...decoder.push(stream.subarray(at, at + 65536)));
    decoder.end();
    expect(records).toHaveLength(2);
    expect(Buffer.from(records[0] as Uint8Array).equals(Buffer.from(body))).toBe(true);
    expect(text(records[1] as Uint8Array)).toBe('tail');
  });
});

describe('RecordIODecoder: copies', () => {
  it('returns a view of the input chunk for a record inside one chunk', () => {
    const chunk = utf8('3\nabc2\nde');
    const [first, second] = new RecordIODecoder().push(chunk);
    expect(first?.buffer).toBe(chunk.buffer);
    expect(first?.byteOffset).toBe(2);
    expect(second?.buffer).toBe(chunk.buffer);
    chunk[2] = 0x41; // a view: writes to the chunk show through
    expect(text(first as Uint8Array)).toBe('Abc');
  });

  it('returns a Buffer view when given Buffers', () => {
    const [record] = new RecordIODecoder().push(Buffer.from('3\nabc'));
    expect(Buffer.isBuffer(record)).toBe(true);
  });

  it('returns a fresh buffer, sized exactly, for a record spanning chunks', () => {
    const decoder = new RecordIODecoder();
    const a = utf8('6\nabc');
    const b = utf8('def');
    expect(decoder.push(a)).toEqual([]);
    const [record] = decoder.push(b);
    expect(text(record as Uint8Array)).toBe('abcdef');
    expect(record?.buffer).not.toBe(a.buffer);
    expect(record?.buffer).not.toBe(b.buffer);
    expect(record?.buffer.byteLength).toBe(6);
    a[2] = 0x41; // the gathered copy does not follow later writes to the input
    expect(text(record as Uint8Array)).toBe('abcdef');
  });
});

describe('RecordIODecoder: maximum record size', () => {
  it('defaults to 64 MiB', () => {
    expect(DEFAULT_MAX_RECORD_SIZE).toBe(64 * 1024 * 1024);
    expect(new RecordIODecoder().maxRecordSize).toBe(DEFAULT_MAX_RECORD_SIZE);
    const error = expectRecordIOError(() => new RecordIODecoder().push(`${DEFAULT_MAX_RECORD_SIZE + 1}\n`), 'RECORD_TOO_LARGE');
    expect(error.message).toContain(String(DEFAULT_MAX_RECORD_SIZE + 1));
  });

  it('accepts a record of exactly maxRecordSize bytes', () => {
    expect(decodeAll(['4\nabcd'], 4)).toEqual(['abcd']);
  });

  it('rejects a larger one as soon as its prefix ends, before any body arrives', () => {
    const decoder = new RecordIODecoder({ maxRecordSize: 4 });
    expect(decoder.push('4\nabcd')).toHaveLength(1);
    const error = expectRecordIOError(() => decoder.push('5\n'), 'RECORD_TOO_LARGE');
    expect(error).toBeInstanceOf(RecordIOError);
    expect(error).toBeInstanceOf(MesosTsError);
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(error.httpStatus).toBe(413);
    expect(error.offset).toBe(7); // the '\n' of "5\n", after the 6 bytes of the first record
  });

  it('with maxRecordSize 0, allows only empty records', () => {
    expect(decodeAll(['0\n0\n'], 0)).toEqual(['', '']);
    expectRecordIOError(() => decodeAll(['1\nx'], 0), 'RECORD_TOO_LARGE');
  });

  it('reports a 20-digit length beyond 2^53 without printing a rounded number', () => {
    const error = expectRecordIOError(() => new RecordIODecoder().push('99999999999999999999\n'), 'RECORD_TOO_LARGE');
    expect(error.message).toContain(`more than ${Number.MAX_SAFE_INTEGER}`);
  });

  it('rejects a maxRecordSize that is not a non-negative safe integer', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      let thrown: unknown;
      try {
        new RecordIODecoder({ maxRecordSize: bad });
      } catch (error) {
        thrown = error;
      }
      expect(isMesosTsError(thrown) && thrown.code).toBe('INVALID_ARGUMENT');
      expect(isRecordIOError(thrown)).toBe(false);
    }
  });
});

describe('RecordIODecoder: errors', () => {
  it.each([
    ['a non-digit', 'x\n', 0],
    ['a leading plus', '+5\nhello', 0],
    ['a leading minus', '-5\nhello', 0],
    ['a leading space', ' 5\nhello', 0],
    ['a trailing space', '5 \nhello', 1],
    ['a CRLF line end', '5\r\nhello', 1],
    ['a tab', '\t5\nhello', 0],
    ['hex', '0x5\nhello', 1],
    ['a decimal point', '5.0\nhello', 1],
    ['an empty prefix', '\nhello', 0],
    ['an empty prefix after a record', '1\na\n', 3],
    ['a NUL byte', '\u00005\n', 0],
  ])('rejects %s with INVALID_PREFIX', (_what, stream, offset) => {
    const error = expectRecordIOError(() => new RecordIODecoder().push(stream), 'INVALID_PREFIX');
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.httpStatus).toBe(400);
    expect(error.offset).toBe(offset);
    expect(isMesosTsError(error)).toBe(true);
  });

  it('rejects a prefix over MAX_PREFIX_DIGITS digits at its extra digit, without waiting for \\n', () => {
    const decoder = new RecordIODecoder();
    expect(decoder.push('0'.repeat(MAX_PREFIX_DIGITS))).toEqual([]);
    const error = expectRecordIOError(() => decoder.push('0'), 'INVALID_PREFIX');
    expect(error.offset).toBe(MAX_PREFIX_DIGITS);
    expect(error.message).toContain(`longer than ${MAX_PREFIX_DIGITS} digits`);
    // An endless run of digits fails fast too, never buffering it.
    expectRecordIOError(() => new RecordIODecoder().push('1'.repeat(1_000_000)), 'INVALID_PREFIX');
  });

  it('names the bad byte in the message', () => {
    expect(expectRecordIOError(() => new RecordIODecoder().push('+5\n'), 'INVALID_PREFIX').message).toContain("0x2b ('+')");
    expect(expectRecordIOError(() => new RecordIODecoder().push('5\r\n'), 'INVALID_PREFIX').message).toContain('0x0d');
  });

  it('counts offsets across chunks', () => {
    const decoder = new RecordIODecoder();
    decoder.push('3\nab');
    decoder.push('c1');
    expect(expectRecordIOError(() => decoder.push('0x'), 'INVALID_PREFIX').offset).toBe(7);
  });

  it.each([
    ['inside a prefix', ['12']],
    ['right after a prefix', ['5\n']],
    ['inside a body', ['5\nhel']],
    ['inside a body gathered over chunks', ['5\n', 'h', 'el']],
    ['inside the second record', ['1\na', '3']],
  ])('reports a stream that ends %s as TRUNCATED at end()', (_what, chunks) => {
    const decoder = new RecordIODecoder();
    for (const chunk of chunks) decoder.push(chunk);
    const error = expectRecordIOError(() => decoder.end(), 'TRUNCATED');
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.offset).toBe(chunks.join('').length);
  });

  it('ends cleanly on a record boundary, and end() is idempotent', () => {
    const decoder = new RecordIODecoder();
    decoder.push('1\na0\n');
    decoder.end();
    expect(() => decoder.end()).not.toThrow();
  });

  it('stays failed: every later call throws the same error', () => {
    const decoder = new RecordIODecoder();
    const error = expectRecordIOError(() => decoder.push('-1\n'), 'INVALID_PREFIX');
    expect(() => decoder.push('1\na')).toThrow(error);
    expect(() => decoder.write('1\na', () => undefined)).toThrow(error);
    expect(() => decoder.end()).toThrow(error);
  });

  it('stays failed after TRUNCATED', () => {
    const decoder = new RecordIODecoder();
    decoder.push('3\na');
    const error = expectRecordIOError(() => decoder.end(), 'TRUNCATED');
    expect(() => decoder.end()).toThrow(error);
    expect(() => decoder.push('bc')).toThrow(error);
  });

  it('write() delivers the records before an error in the same chunk, then throws', () => {
    const decoder = new RecordIODecoder();
    const seen: string[] = [];
    expectRecordIOError(() => decoder.write('1\na1\nbz\n', (record) => seen.push(text(record))), 'INVALID_PREFIX');
    expect(seen).toEqual(['a', 'b']);
  });

  it('an error thrown by the sink propagates and fails the decoder', () => {
    const decoder = new RecordIODecoder();
    const boom = new Error('boom');
    expect(() =>
      decoder.write('1\na', () => {
        throw boom;
      }),
    ).toThrow(boom);
    expect(() => decoder.push('1\nb')).toThrow(boom);
  });

  it('rejects a chunk that is not bytes or text with INVALID_ARGUMENT, leaving the decoder usable', () => {
    const decoder = new RecordIODecoder();
    decoder.push('3\na');
    for (const bad of [42, null, {}, new ArrayBuffer(1), new Uint16Array(1)]) {
      let thrown: unknown;
      try {
        decoder.push(bad as unknown as string);
      } catch (error) {
        thrown = error;
      }
      expect(isMesosTsError(thrown) && thrown.code).toBe('INVALID_ARGUMENT');
      expect(isRecordIOError(thrown)).toBe(false);
    }
    expect(texts(decoder.push('bc'))).toEqual(['abc']);
  });

  it('rejects a chunk after end() with INVALID_ARGUMENT', () => {
    const decoder = new RecordIODecoder();
    decoder.end();
    let thrown: unknown;
    try {
      decoder.push('0\n');
    } catch (error) {
      thrown = error;
    }
    expect(isMesosTsError(thrown) && thrown.code).toBe('INVALID_ARGUMENT');
    expect(isRecordIOError(thrown)).toBe(false);
  });
});

describe('isRecordIOError', () => {
  it('recognises our errors and look-alikes from another copy of the package, and nothing else', () => {
    expect(isRecordIOError(new RecordIOError('TRUNCATED', 'x', 0))).toBe(true);
    const foreign = Object.assign(new Error('x'), { name: 'MesosTsError', code: 'INVALID_ARGUMENT', recordioCode: 'INVALID_PREFIX' });
    expect(isRecordIOError(foreign)).toBe(true);
    expect(isRecordIOError(new MesosTsError('INVALID_ARGUMENT', 'x'))).toBe(false);
    expect(isRecordIOError(Object.assign(new Error('x'), { recordioCode: 'TRUNCATED' }))).toBe(false);
    expect(isRecordIOError({ name: 'MesosTsError', recordioCode: 'TRUNCATED' })).toBe(false);
    expect(isRecordIOError(undefined)).toBe(false);
  });
});
