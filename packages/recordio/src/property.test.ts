// Property and fuzz tests: random records through random chunkings, and
// random garbage checked against a one-shot model of the format.
import fc from 'fast-check';
import { RecordIODecoder } from './decoder';
import { encodeRecord } from './encoder';
import { isRecordIOError, MAX_PREFIX_DIGITS, type RecordIOErrorCode } from './error';
import { concat, splitAt, unicodeString, utf8 } from './internal/test-helpers';

const record = fc.oneof(
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 200 }) },
  { weight: 3, arbitrary: unicodeString(60) },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.constant(new Uint8Array(0)) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1000, maxLength: 3000 }) },
);

/** Cut points for a stream of unknown length: scaled fractions, or every byte. */
const chunking = fc.oneof(
  fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 }).map((fractions) => ({ kind: 'random' as const, fractions })),
  fc.constant({ kind: 'bytes' as const, fractions: [] as number[] }),
);

function chunksOf(stream: Uint8Array, plan: { kind: 'random' | 'bytes'; fractions: readonly number[] }): Uint8Array[] {
  if (plan.kind === 'bytes') return Array.from(stream, (byte) => Uint8Array.of(byte));
  return splitAt(
    stream,
    plan.fractions.map((f) => Math.floor(f * stream.length)),
  );
}

const asBytes = (r: Uint8Array | string): Uint8Array => (typeof r === 'string' ? utf8(r) : r);
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);

describe('property: encode, concatenate, re-chunk, decode', () => {
  it('gives back the same records for any records and any chunk boundaries', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 25 }), chunking, (records, plan) => {
        const stream = concat(records.map(encodeRecord));
        const decoder = new RecordIODecoder();
        const decoded: Uint8Array[] = [];
        for (const chunk of chunksOf(stream, plan)) decoded.push(...decoder.push(chunk));
        decoder.end();
        return decoded.length === records.length && decoded.every((got, k) => sameBytes(got, asBytes(records[k] as Uint8Array | string)));
      }),
      { numRuns: 200 },
    );
  });
});

/** The format read in one pass over the whole stream: what a decoder must agree with, whatever the chunking. */
function model(stream: Uint8Array, maxRecordSize: number): { records: Uint8Array[]; error?: { code: RecordIOErrorCode; offset: number } } {
  const records: Uint8Array[] = [];
  let i = 0;
  while (i < stream.length) {
    let digits = 0;
    let value = 0;
    for (;;) {
      const byte = stream[i];
      if (byte === undefined) return { records, error: { code: 'TRUNCATED', offset: stream.length } };
      if (byte === 0x0a) break;
      if (byte < 0x30 || byte > 0x39 || digits === MAX_PREFIX_DIGITS) return { records, error: { code: 'INVALID_PREFIX', offset: i } };
      digits++;
      value = value * 10 + (byte - 0x30);
      i++;
    }
    if (digits === 0) return { records, error: { code: 'INVALID_PREFIX', offset: i } };
    if (value > maxRecordSize) return { records, error: { code: 'RECORD_TOO_LARGE', offset: i } };
    i++;
    if (i + value > stream.length) return { records, error: { code: 'TRUNCATED', offset: stream.length } };
    records.push(stream.subarray(i, i + value));
    i += value;
  }
  return { records };
}

// Garbage that is often almost valid: mostly digits and newlines, so that it
// decodes some records before failing, with every other byte possible too.
const garbageByte = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x30, max: 0x39 }) },
  { weight: 3, arbitrary: fc.constant(0x0a) },
  { weight: 1, arbitrary: fc.constantFrom(0x2b, 0x2d, 0x20, 0x0d, 0x09, 0x00) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 255 }) },
);
const garbage = fc.oneof(
  fc.array(garbageByte, { maxLength: 300 }).map((bytes) => Uint8Array.from(bytes)),
  fc.uint8Array({ maxLength: 300 }),
  // Valid records followed by garbage.
  fc.tuple(fc.array(record, { maxLength: 5 }), fc.array(garbageByte, { maxLength: 40 })).map(([records, tail]) => concat([...records.map(encodeRecord), Uint8Array.from(tail)])),
);

describe('fuzz: random bytes in random chunks', () => {
  it('only ever throws RecordIOError, and agrees with the one-pass model on records, error code and offset', () => {
    fc.assert(
      fc.property(garbage, chunking, fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 4000 })), (stream, plan, maxRecordSize) => {
        const decoder = new RecordIODecoder(maxRecordSize === undefined ? {} : { maxRecordSize });
        const expected = model(stream, decoder.maxRecordSize);
        const decoded: Uint8Array[] = [];
        let failure: unknown;
        try {
          for (const chunk of chunksOf(stream, plan)) decoder.write(chunk, (r) => decoded.push(r));
          decoder.end();
        } catch (error) {
          failure = error;
        }
        expect(decoded.length).toBe(expected.records.length);
        decoded.forEach((got, k) => expect(sameBytes(got, expected.records[k] as Uint8Array)).toBe(true));
        if (expected.error === undefined) {
          expect(failure).toBeUndefined();
          return;
        }
        if (!isRecordIOError(failure)) throw new Error(`expected a RecordIOError, got ${String(failure)}`);
        expect({ code: failure.recordioCode, offset: failure.offset }).toEqual(expected.error);
        // Failed for good.
        expect(() => decoder.push('0\n')).toThrow(failure);
        expect(() => decoder.end()).toThrow(failure);
      }),
      { numRuns: 400 },
    );
  });
});
