// Helpers shared by this package's tests (not exported from the package).
import fc from 'fast-check';
import { isRecordIOError, type RecordIOError, type RecordIOErrorCode } from '../error';

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
export const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const part of parts) size += part.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Splits `bytes` at the given cut points (any order, duplicates and out-of-range ignored). */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

/** Runs `fn`, expecting a RecordIOError with `code`; returns it. */
export function expectRecordIOError(fn: () => unknown, code: RecordIOErrorCode): RecordIOError {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  if (!isRecordIOError(thrown)) throw new Error(`expected a RecordIOError ${code}, got ${String(thrown)}`);
  expect(thrown.recordioCode).toBe(code);
  return thrown;
}

/** Reads a web ReadableStream to the end. */
export async function readAll<T>(stream: ReadableStream<T>): Promise<T[]> {
  const reader = stream.getReader();
  const out: T[] = [];
  for (;;) {
    const next = await reader.read();
    if (next.done) return out;
    out.push(next.value);
  }
}

/** A web ReadableStream that yields `chunks` then closes. */
export function webSource<T>(chunks: readonly T[]): ReadableStream<T> {
  return new ReadableStream<T>({
    start(controller): void {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

/**
 * Strings of any Unicode scalar values (1-, 2-, 3- and 4-byte UTF-8), built
 * by hand: fast-check's `unit: 'binary'` is far slower to generate.
 */
export function unicodeString(maxLength = 40): fc.Arbitrary<string> {
  const scalar = fc.oneof(
    fc.integer({ min: 0, max: 0x7f }),
    fc.integer({ min: 0x80, max: 0x7ff }),
    fc.integer({ min: 0x800, max: 0xd7ff }),
    fc.integer({ min: 0xe000, max: 0xffff }),
    fc.integer({ min: 0x10000, max: 0x10ffff }),
  );
  return fc.array(scalar, { maxLength }).map((points) => String.fromCodePoint(...points));
}
