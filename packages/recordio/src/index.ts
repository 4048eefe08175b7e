/**
 * RecordIO framing, as used by the Mesos v1 streaming HTTP APIs (scheduler,
 * executor and operator `SUBSCRIBE`): each record is its body's length in
 * bytes as ASCII decimal, a `\n`, then the body.
 *
 * The core is {@link encodeRecord} and the push decoder
 * {@link RecordIODecoder}; async-iterable, Node-stream and web-stream
 * adapters wrap them. Pure: no I/O, no timers.
 *
 * @packageDocumentation
 */
export { type RecordIOErrorCode, MAX_PREFIX_DIGITS, RecordIOError, isRecordIOError } from './error';
export { encodeRecord, encodeRecords } from './encoder';
export { DEFAULT_MAX_RECORD_SIZE, type RecordIODecoderOptions, type RecordSink, RecordIODecoder } from './decoder';
export { type ChunkSource, decodeRecords } from './async-iterable';
export { createNodeDecodeStream, createNodeEncodeStream } from './node-stream';
export { createWebDecodeStream, createWebEncodeStream } from './web-stream';
