import { MesosTsError } from '@mesos-ts/errors';

/**
 * Why a RecordIO stream was rejected.
 *
 * - `INVALID_PREFIX`: a length prefix is empty, holds a byte other than an
 *   ASCII digit before its `\n` (a sign, whitespace, `\r`, a letter, ...), or
 *   has more than {@link MAX_PREFIX_DIGITS} digits.
 * - `RECORD_TOO_LARGE`: a length prefix names more bytes than the decoder's
 *   `maxRecordSize`. Raised as soon as the prefix's `\n` is read, before any
 *   of the body is buffered.
 * - `TRUNCATED`: the stream ended inside a length prefix or inside a body.
 */
export type RecordIOErrorCode = 'INVALID_PREFIX' | 'RECORD_TOO_LARGE' | 'TRUNCATED';

/**
 * The most digits a length prefix may have: 20, the width of the largest
 * unsigned 64-bit integer (Mesos reads the prefix as a `uint64`). Leading
 * zeros count, so a prefix can never make the decoder buffer more than this.
 */
export const MAX_PREFIX_DIGITS = 20;

/**
 * A framing error found by the RecordIO decoder.
 *
 * It is a {@link MesosTsError} (so `isMesosTsError` holds and the HTTP layer
 * can answer it as is): `code` is `PAYLOAD_TOO_LARGE` (413) for
 * `RECORD_TOO_LARGE` and `INVALID_ARGUMENT` (400) otherwise; the finer reason
 * is in `recordioCode`. `offset` is the byte position in the whole stream
 * (counting from 0 across all chunks) where the problem was found.
 */
export class RecordIOError extends MesosTsError {
  /** The RecordIO-specific reason; see {@link RecordIOErrorCode}. */
  readonly recordioCode: RecordIOErrorCode;
  /** Byte offset in the stream at which the error was detected. */
  readonly offset: number;

  constructor(recordioCode: RecordIOErrorCode, message: string, offset: number) {
    super(recordioCode === 'RECORD_TOO_LARGE' ? 'PAYLOAD_TOO_LARGE' : 'INVALID_ARGUMENT', message);
    this.recordioCode = recordioCode;
    this.offset = offset;
  }
}

/**
 * Whether `value` is a {@link RecordIOError}. Also true for errors from a
 * second copy of this package, which `instanceof` would miss.
 */
export function isRecordIOError(value: unknown): value is RecordIOError {
  if (value instanceof RecordIOError) return true;
  if (!(value instanceof Error) || value.name !== 'MesosTsError') return false;
  const code = (value as { recordioCode?: unknown }).recordioCode;
  return code === 'INVALID_PREFIX' || code === 'RECORD_TOO_LARGE' || code === 'TRUNCATED';
}
