import { MesosTsError } from '@mesos-ts/errors';
import { describe } from './internal/describe';
import { byteLengthOf, textEncoder } from './internal/utf8';

const NEWLINE = 0x0a;
const DIGIT_ZERO = 0x30;

function decimalWidth(n: number): number {
  let width = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    width++;
  }
  return width;
}

/** Writes `size` in decimal followed by `\n` into `out[0, width + 1)`. */
function writePrefix(out: Uint8Array, size: number, width: number): void {
  out[width] = NEWLINE;
  for (let i = width - 1; i >= 0; i--) {
    const rest = Math.floor(size / 10);
    out[i] = DIGIT_ZERO + (size - rest * 10);
    size = rest;
  }
}

/**
 * Frames one record: returns a new buffer holding `<byte length>\n<body>`.
 *
 * The prefix and the body are always in one buffer, so a writer that sends
 * each returned buffer as one HTTP chunk never splits a record across chunks
 * (some Mesos clients break when that happens).
 *
 * A string is encoded as UTF-8 and its length counted in bytes, not UTF-16
 * units; lone surrogates become U+FFFD, as with `TextEncoder`. A byte array is
 * copied once into the output; the argument is not kept or modified.
 *
 * @param record the body; may be empty (framed as `0\n`).
 * @returns a fresh `Uint8Array` that the caller owns.
 * @throws MesosTsError `INVALID_ARGUMENT` if `record` is neither a
 *   `Uint8Array` nor a string.
 */
export function encodeRecord(record: Uint8Array | string): Uint8Array {
  if (typeof record === 'string') {
    const size = byteLengthOf(record);
    const width = decimalWidth(size);
    const out = new Uint8Array(width + 1 + size);
    writePrefix(out, size, width);
    if (size > 0) textEncoder.encodeInto(record, out.subarray(width + 1));
    return out;
  }
  if (!(record instanceof Uint8Array)) {
    throw new MesosTsError('INVALID_ARGUMENT', `RecordIO record must be a Uint8Array or a string, got ${describe(record)}`);
  }
  const size = record.byteLength;
  const width = decimalWidth(size);
  const out = new Uint8Array(width + 1 + size);
  writePrefix(out, size, width);
  out.set(record, width + 1);
  return out;
}

/**
 * Frames every record of `source`, yielding one buffer per record (see
 * {@link encodeRecord}). Works with any sync or async iterable, e.g. an array,
 * an async generator, or a Node `Readable` in object mode. Errors as for
 * {@link encodeRecord}, thrown when the bad record is reached.
 */
export async function* encodeRecords(
  source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
): AsyncGenerator<Uint8Array, void, undefined> {
  for await (const record of source) yield encodeRecord(record);
}
