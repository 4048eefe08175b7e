import { MesosTsError } from '@mesos-ts/errors';
import { MAX_PREFIX_DIGITS, RecordIOError } from './error';
import { describe } from './internal/describe';
import { textEncoder } from './internal/utf8';

/**
 * The default limit on one record's body: 64 MiB. Mesos has no limit of its
 * own; this one keeps a hostile or broken peer from making the decoder
 * allocate without bound. Raise it with `maxRecordSize` if your records are
 * larger (e.g. very large `state` snapshots).
 */
export const DEFAULT_MAX_RECORD_SIZE = 64 * 1024 * 1024;

/** Options of {@link RecordIODecoder} and of every decoding adapter. */
export interface RecordIODecoderOptions {
  /**
   * The largest body, in bytes, that the decoder accepts; a prefix naming
   * more fails with `RECORD_TOO_LARGE`. A non-negative safe integer; default
   * {@link DEFAULT_MAX_RECORD_SIZE}.
   */
  readonly maxRecordSize?: number;
}

/** Called by {@link RecordIODecoder.write} with each complete record, in stream order. */
export type RecordSink = (record: Uint8Array) => void;

const NEWLINE = 0x0a;
const DIGIT_ZERO = 0x30;

/**
 * A body that spans chunks is gathered in a buffer of its own. The buffer
 * starts at this size (or the body's size, if smaller) and doubles as bytes
 * arrive, so a peer that announces a large record and then stalls costs
 * memory in proportion to what it actually sent, not to what it announced.
 */
const INITIAL_PARTIAL_CAPACITY = 1024 * 1024;

/**
 * The push-style RecordIO decoder every adapter is built on. Feed it chunks
 * as they arrive (split anywhere: inside a prefix, inside a body, inside a
 * multi-byte UTF-8 character) and it hands back the complete records.
 *
 * Records are `Uint8Array`s. A record that lies wholly inside one input chunk
 * is a view (`subarray`) of that chunk, sharing its memory: no copy is made,
 * and if the input chunk is a `Buffer` the view is one too. Copy the record if
 * you will modify or reuse the chunk's memory, or if you keep a small record
 * for a long time and do not want it to pin a large chunk. A record spanning
 * chunks is copied once into a fresh buffer that belongs to the caller.
 *
 * Errors: framing errors throw {@link RecordIOError}. After any error
 * (including one thrown by a {@link RecordSink}) the decoder is failed for
 * good: every later `write`, `push` or `end` throws that same error again,
 * since the position of the next prefix can no longer be known.
 *
 * Not safe to re-enter: do not call the decoder from inside its own sink.
 */
export class RecordIODecoder {
  /** The limit in force; see {@link RecordIODecoderOptions.maxRecordSize}. */
  readonly maxRecordSize: number;

  private inBody = false;
  /** Digits read so far of the current prefix. */
  private digits = 0;
  /** While in a prefix: its value so far. In a body: the body's size. */
  private length = 0;
  /** The gathered bytes of a body that spans chunks, if any. */
  private partial: Uint8Array | undefined = undefined;
  /** How many body bytes are gathered in `partial`. */
  private filled = 0;
  /** Bytes consumed before the current chunk, for error offsets. */
  private offset = 0;
  private failed = false;
  private failure: unknown = undefined;
  private ended = false;

  /**
   * @throws MesosTsError `INVALID_ARGUMENT` if `maxRecordSize` is not a
   *   non-negative safe integer.
   */
  constructor(options: RecordIODecoderOptions = {}) {
    const max = options.maxRecordSize ?? DEFAULT_MAX_RECORD_SIZE;
    if (!Number.isSafeInteger(max) || max < 0) {
      throw new MesosTsError('INVALID_ARGUMENT', `maxRecordSize must be a non-negative safe integer, got ${String(max)}`);
    }
    this.maxRecordSize = max;
  }

  /**
   * Decodes `chunk` and returns the records it completes, in order (possibly
   * none). A string chunk is taken as UTF-8 text; prefer bytes, since a string
   * cannot carry half of a character.
   *
   * @throws RecordIOError on a framing error. Records completed earlier in the
   *   same chunk are not returned; use {@link RecordIODecoder.write} if you
   *   need them.
   * @throws MesosTsError `INVALID_ARGUMENT` if `chunk` is neither bytes nor a
   *   string, or the decoder has ended (the decoder is left as it was).
   */
  push(chunk: Uint8Array | string): Uint8Array[] {
    const records: Uint8Array[] = [];
    this.write(chunk, (record) => {
      records.push(record);
    });
    return records;
  }

  /**
   * Decodes `chunk`, calling `onRecord` with each complete record as soon as
   * it is found. Records that precede a framing error in the same chunk are
   * delivered before the error is thrown, which is what the stream adapters
   * need. Errors as for {@link RecordIODecoder.push}; an error thrown by
   * `onRecord` propagates and fails the decoder.
   */
  write(chunk: Uint8Array | string, onRecord: RecordSink): void {
    this.checkOpen();
    let bytes: Uint8Array;
    if (typeof chunk === 'string') bytes = textEncoder.encode(chunk);
    else if (chunk instanceof Uint8Array) bytes = chunk;
    else throw new MesosTsError('INVALID_ARGUMENT', `RecordIO chunk must be a Uint8Array or a string, got ${describe(chunk)}`);
    try {
      this.consume(bytes, onRecord);
    } catch (error) {
      this.failed = true;
      this.failure = error;
      throw error;
    }
  }

  /**
   * Signals the end of the stream. Succeeds if the stream ended on a record
   * boundary (an empty stream included); calling it again is a no-op.
   *
   * @throws RecordIOError `TRUNCATED` if the stream stopped inside a prefix or
   *   a body, and the stored error if the decoder had already failed.
   */
  end(): void {
    if (this.failed) throw this.failure;
    if (this.ended) return;
    this.ended = true;
    if (this.inBody) {
      this.fail('TRUNCATED', `RecordIO stream ended inside a record: got ${this.filled} of ${this.length} body bytes`, this.offset);
    }
    if (this.digits > 0) {
      this.fail('TRUNCATED', `RecordIO stream ended inside a length prefix (after ${this.digits} digit(s), no '\\n')`, this.offset);
    }
  }

  private checkOpen(): void {
    if (this.failed) throw this.failure;
    if (this.ended) throw new MesosTsError('INVALID_ARGUMENT', 'RecordIO decoder has ended; no more chunks may be written');
  }

  private fail(code: RecordIOError['recordioCode'], message: string, offset: number): never {
    const error = new RecordIOError(code, message, offset);
    this.failed = true;
    this.failure = error;
    throw error;
  }

  private consume(bytes: Uint8Array, onRecord: RecordSink): void {
    const base = this.offset;
    const n = bytes.length;
    let i = 0;
    while (i < n) {
      if (!this.inBody) {
        // Prefix: 1 to MAX_PREFIX_DIGITS digits, then '\n'. Read a byte at a
        // time; it is short, and every bad byte must be caught where it is.
        let digits = this.digits;
        let value = this.length;
        let complete = false;
        while (i < n) {
          const byte = bytes[i] as number;
          if (byte === NEWLINE) {
            complete = true;
            i++;
            break;
          }
          const digit = byte - DIGIT_ZERO;
          if (digit < 0 || digit > 9) {
            this.fail('INVALID_PREFIX', `RecordIO length prefix has unexpected byte ${showByte(byte)} at offset ${base + i}; expected an ASCII digit or '\\n'`, base + i);
          }
          if (digits === MAX_PREFIX_DIGITS) {
            this.fail('INVALID_PREFIX', `RecordIO length prefix at offset ${base + i} is longer than ${MAX_PREFIX_DIGITS} digits`, base + i);
          }
          digits++;
          // Past 2^53 this loses precision, but by then it is far above any
          // allowed maxRecordSize, and it only grows, so the check below holds.
          value = value * 10 + digit;
          i++;
        }
        this.digits = digits;
        this.length = value;
        if (!complete) break;
        const newlineAt = base + i - 1;
        if (digits === 0) {
          this.fail('INVALID_PREFIX', `RecordIO length prefix ending at offset ${newlineAt} is empty`, newlineAt);
        }
        if (value > this.maxRecordSize) {
          const size = Number.isSafeInteger(value) ? String(value) : `more than ${Number.MAX_SAFE_INTEGER}`;
          this.fail('RECORD_TOO_LARGE', `RecordIO record of ${size} bytes (prefix ending at offset ${newlineAt}) exceeds maxRecordSize ${this.maxRecordSize}`, newlineAt);
        }
        this.digits = 0;
        if (value === 0) {
          onRecord(new Uint8Array(0));
          continue;
        }
        this.inBody = true;
        this.filled = 0;
        // Back to the loop test: the chunk may end right after the prefix,
        // and the body code below assumes at least one byte is available.
        continue;
      }

      const needed = this.length - this.filled;
      const available = n - i;
      if (this.filled === 0 && available >= needed) {
        // The whole body is in this chunk: hand out a view, no copy.
        const record = bytes.subarray(i, i + needed);
        i += needed;
        this.inBody = false;
        this.length = 0;
        onRecord(record);
        continue;
      }
      const take = available < needed ? available : needed;
      const buffer = this.reserve(this.filled + take);
      buffer.set(i === 0 && take === n ? bytes : bytes.subarray(i, i + take), this.filled);
      i += take;
      this.filled += take;
      if (this.filled === this.length) {
        this.partial = undefined;
        this.filled = 0;
        this.inBody = false;
        this.length = 0;
        onRecord(buffer);
      }
    }
    this.offset = base + n;
  }

  /** The gathering buffer, grown to hold at least `size` bytes of the current body. */
  private reserve(size: number): Uint8Array {
    const current = this.partial;
    if (current !== undefined && current.length >= size) return current;
    const doubled = current === undefined ? INITIAL_PARTIAL_CAPACITY : current.length * 2;
    const grown = new Uint8Array(Math.min(this.length, Math.max(size, doubled)));
    if (current !== undefined && this.filled > 0) grown.set(current.subarray(0, this.filled));
    this.partial = grown;
    return grown;
  }
}

function showByte(byte: number): string {
  const hex = `0x${byte.toString(16).padStart(2, '0')}`;
  return byte >= 0x21 && byte <= 0x7e ? `${hex} ('${String.fromCharCode(byte)}')` : hex;
}
