import { Transform, type TransformCallback } from 'node:stream';
import { type RecordIODecoderOptions, RecordIODecoder } from './decoder';
import { encodeRecord } from './encoder';

/** A `Buffer` over the same memory (no copy), so Node stream users always get Buffers. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * A Node `Transform` that takes RecordIO bytes on its writable side (Buffers,
 * Uint8Arrays, or strings, which Node turns into UTF-8) and emits one `Buffer`
 * per record on its readable side, which is in object mode (so empty records
 * come through as empty Buffers). Records are views of input chunks where
 * possible; see {@link RecordIODecoder}.
 *
 * The stream errors with a {@link RecordIOError} on a framing error, or with
 * `TRUNCATED` if the writable side ends inside a record. The records before
 * the error are pushed first, but destroying a Node stream drops what is
 * still buffered and unread, so a slow reader may not see them; use
 * `decodeRecords` (a `Readable` is async iterable) if every record before an
 * error matters.
 *
 * @throws MesosTsError `INVALID_ARGUMENT` if the options are invalid.
 */
export function createNodeDecodeStream(options: RecordIODecoderOptions = {}): Transform {
  const decoder = new RecordIODecoder(options);
  return new Transform({
    readableObjectMode: true,
    transform(this: Transform, chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
      try {
        decoder.write(chunk, (record) => {
          this.push(asBuffer(record));
        });
      } catch (error) {
        callback(error as Error);
        return;
      }
      callback();
    },
    flush(callback: TransformCallback): void {
      try {
        decoder.end();
      } catch (error) {
        callback(error as Error);
        return;
      }
      callback();
    },
  });
}

/**
 * A Node `Transform` that takes records on its writable side, which is in
 * object mode (each write is one record: a Buffer, Uint8Array or string), and
 * emits one `Buffer` per record with prefix and body together (see
 * {@link encodeRecord}). Pipe it into an HTTP response to stream events.
 *
 * A write that is not bytes or a string errors the stream with
 * `MesosTsError` `INVALID_ARGUMENT`.
 */
export function createNodeEncodeStream(): Transform {
  return new Transform({
    writableObjectMode: true,
    transform(record: unknown, _encoding: BufferEncoding, callback: TransformCallback): void {
      let framed: Uint8Array;
      try {
        framed = encodeRecord(record as Uint8Array | string);
      } catch (error) {
        callback(error as Error);
        return;
      }
      callback(null, asBuffer(framed));
    },
  });
}
