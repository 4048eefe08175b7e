import { type RecordIODecoderOptions, RecordIODecoder } from './decoder';
import { encodeRecord } from './encoder';

/**
 * A WHATWG `TransformStream` from RecordIO bytes (or UTF-8 text) to records,
 * one `Uint8Array` per record (a view of the input chunk where possible; see
 * {@link RecordIODecoder}). Use it with `fetch`:
 * `response.body.pipeThrough(createWebDecodeStream())`.
 *
 * The stream errors with a {@link RecordIOError} on a framing error, or with
 * `TRUNCATED` if the input ends inside a record. The records before the
 * error are enqueued first, but erroring a web stream discards whatever is
 * still queued and unread, so a slow reader may not see them; use
 * `decodeRecords` (web `ReadableStream`s are async iterable in Node) if
 * every record before an error matters.
 *
 * @throws MesosTsError `INVALID_ARGUMENT` if the options are invalid.
 */
export function createWebDecodeStream(options: RecordIODecoderOptions = {}): TransformStream<Uint8Array | string, Uint8Array> {
  const decoder = new RecordIODecoder(options);
  return new TransformStream<Uint8Array | string, Uint8Array>({
    transform(chunk, controller): void {
      decoder.write(chunk, (record) => {
        controller.enqueue(record);
      });
    },
    flush(): void {
      decoder.end();
    },
  });
}

/**
 * A WHATWG `TransformStream` from records (bytes or strings) to RecordIO
 * bytes: one output chunk per record, prefix and body together (see
 * {@link encodeRecord}).
 */
export function createWebEncodeStream(): TransformStream<Uint8Array | string, Uint8Array> {
  return new TransformStream<Uint8Array | string, Uint8Array>({
    transform(record, controller): void {
      controller.enqueue(encodeRecord(record));
    },
  });
}
