import { RecordIODecoder, type RecordIODecoderOptions } from './decoder';

/** A source of chunks: anything `for await` accepts (an async generator, a Node `Readable`, an array). */
export type ChunkSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

/**
 * Decodes a RecordIO byte stream, yielding each record as a `Uint8Array`
 * (a view of the input chunk where the record lies in one chunk; see
 * {@link RecordIODecoder}). A Node `Readable` of bytes can be passed directly.
 *
 * Records that precede a framing error are yielded first; then the generator
 * throws the {@link RecordIOError} (`TRUNCATED` if the source ends inside a
 * record). Stopping early (`break`) closes the source.
 *
 * @throws MesosTsError `INVALID_ARGUMENT` at once if the options are invalid.
 */
export function decodeRecords(source: ChunkSource, options: RecordIODecoderOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
  // Made here, not in the generator, so bad options fail at the call.
  const decoder = new RecordIODecoder(options);
  return run(decoder, source);
}

async function* run(decoder: RecordIODecoder, source: ChunkSource): AsyncGenerator<Uint8Array, void, undefined> {
  const records: Uint8Array[] = [];
  const collect = (record: Uint8Array): void => {
    records.push(record);
  };
  for await (const chunk of source) {
    let failed = false;
    let failure: unknown;
    try {
      decoder.write(chunk, collect);
    } catch (error) {
      failed = true;
      failure = error;
    }
    for (const record of records) yield record;
    records.length = 0;
    if (failed) throw failure;
  }
  decoder.end();
}
