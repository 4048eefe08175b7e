import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isMesosTsError } from '@mesos-ts/errors';
import { decodeRecords } from './async-iterable';
import { encodeRecord, encodeRecords } from './encoder';
import { isRecordIOError, type RecordIOError, type RecordIOErrorCode } from './error';
import { createNodeDecodeStream, createNodeEncodeStream } from './node-stream';
import { concat, readAll, text, utf8, webSource } from './internal/test-helpers';
import { createWebDecodeStream, createWebEncodeStream } from './web-stream';

const events = ['{"type":"SUBSCRIBED"}', '', '{"type":"HEARTBEAT"}', 'ünïcödé 😀'];
const stream = concat(events.map(encodeRecord));
/** The stream in 3-byte chunks: records and characters split everywhere. */
const chunks = Array.from({ length: Math.ceil(stream.length / 3) }, (_, k) => stream.subarray(3 * k, 3 * k + 3));

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

function expectCode(error: unknown, code: RecordIOErrorCode): asserts error is RecordIOError {
  if (!isRecordIOError(error)) throw new Error(`expected a RecordIOError, got ${String(error)}`);
  expect(error.recordioCode).toBe(code);
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

describe('decodeRecords (async iterable)', () => {
  it('decodes a chunked async source', async () => {
    async function* source(): AsyncGenerator<Uint8Array> {
      yield* chunks;
    }
    expect((await collect(decodeRecords(source()))).map(text)).toEqual(events);
  });

  it('decodes a sync iterable and string chunks', async () => {
    expect((await collect(decodeRecords(['3\na', 'bc0\n', '2\nü']))).map(text)).toEqual(['abc', '', 'ü']);
  });

  it('decodes a Node Readable of bytes directly', async () => {
    expect((await collect(decodeRecords(Readable.from(chunks.map((c) => Buffer.from(c)))))).map(text)).toEqual(events);
  });

  it('yields the records before a framing error, then throws it', async () => {
    const seen: string[] = [];
    const error = await rejection(
      (async () => {
        for await (const record of decodeRecords(['1\na1', '\nb+', '1\nc'])) seen.push(text(record));
      })(),
    );
    expect(seen).toEqual(['a', 'b']);
    expectCode(error, 'INVALID_PREFIX');
    expect(error.offset).toBe(6);
  });

  it('throws TRUNCATED when the source ends inside a record', async () => {
    expectCode(await rejection(collect(decodeRecords(['5\nab']))), 'TRUNCATED');
  });

  it('applies maxRecordSize', async () => {
    expectCode(await rejection(collect(decodeRecords(['2\nab3\n'], { maxRecordSize: 2 }))), 'RECORD_TOO_LARGE');
  });

  it('rejects bad options at the call, not at the first read', () => {
    expect(() => decodeRecords([], { maxRecordSize: -1 })).toThrow(/maxRecordSize/);
  });

  it('closes the source when the consumer stops early', async () => {
    let closed = false;
    async function* source(): AsyncGenerator<string> {
      try {
        yield '1\na1\nb';
        yield '1\nc';
      } finally {
        closed = true;
      }
    }
    for await (const record of decodeRecords(source())) {
      expect(text(record)).toBe('a');
      break;
    }
    expect(closed).toBe(true);
  });

  it('round-trips with encodeRecords', async () => {
    expect((await collect(decodeRecords(encodeRecords(events)))).map(text)).toEqual(events);
  });
});

describe('Node streams', () => {
  async function decodeWithNode(input: readonly (Uint8Array | string)[], maxRecordSize?: number): Promise<Buffer[]> {
    const out: Buffer[] = [];
    await pipeline(
      Readable.from(input.map((c) => (typeof c === 'string' ? c : Buffer.from(c))), { objectMode: false }),
      createNodeDecodeStream(maxRecordSize === undefined ? {} : { maxRecordSize }),
      new Writable({
        objectMode: true,
        write(record: Buffer, _encoding, callback): void {
          out.push(record);
          callback();
        },
      }),
    );
    return out;
  }

  it('decodes chunked bytes to one Buffer per record, empty records included', async () => {
    const records = await decodeWithNode(chunks);
    expect(records.map(text)).toEqual(events);
    expect(records.every((r) => Buffer.isBuffer(r))).toBe(true);
  });

  it('accepts string writes', async () => {
    expect((await decodeWithNode(['2\nü', '0\n'])).map(text)).toEqual(['ü', '']);
  });

  it('errors the pipeline with the typed error', async () => {
    expectCode(await rejection(decodeWithNode(['1\na', '-1\n'])), 'INVALID_PREFIX');
    expectCode(await rejection(decodeWithNode(['9\nshort'])), 'TRUNCATED');
    expectCode(await rejection(decodeWithNode(['100\n'], 10)), 'RECORD_TOO_LARGE');
  });

  it('rejects bad options at creation', () => {
    expect(() => createNodeDecodeStream({ maxRecordSize: 0.5 })).toThrow(/maxRecordSize/);
  });

  it('encodes one Buffer per record, prefix and body together', async () => {
    const encoder = createNodeEncodeStream();
    const out: Buffer[] = [];
    encoder.on('data', (chunk: Buffer) => out.push(chunk));
    const done = new Promise<void>((resolve, reject) => {
      encoder.on('end', resolve);
      encoder.on('error', reject);
    });
    for (const event of events) encoder.write(event);
    encoder.write(utf8('bytes'));
    encoder.end(Buffer.from('buf'));
    await done;
    expect(out.map(text)).toEqual([...events.map((e) => text(encodeRecord(e))), '5\nbytes', '3\nbuf']);
    expect(out.every((chunk) => Buffer.isBuffer(chunk))).toBe(true);
  });

  it('round-trips encode stream into decode stream', async () => {
    const out: string[] = [];
    await pipeline(Readable.from(events), createNodeEncodeStream(), createNodeDecodeStream(), async (records: AsyncIterable<Buffer>) => {
      for await (const record of records) out.push(text(record));
    });
    expect(out).toEqual(events);
  });

  it('errors the encode stream on a record that is not bytes or text', async () => {
    const error = await rejection(pipeline(Readable.from([1, 2]), createNodeEncodeStream(), new Writable({ write: (_c, _e, cb): void => cb() })));
    expect(isMesosTsError(error) && error.code).toBe('INVALID_ARGUMENT');
  });
});

describe('WHATWG web streams', () => {
  it('decodes chunked bytes and strings', async () => {
    const records = await readAll(webSource<Uint8Array | string>([...chunks, '1\nx']).pipeThrough(createWebDecodeStream()));
    expect(records.map(text)).toEqual([...events, 'x']);
  });

  it('errors the stream with the typed error', async () => {
    const decoded: string[] = [];
    const reader = webSource<Uint8Array | string>(['1\na1\nbx\n']).pipeThrough(createWebDecodeStream()).getReader();
    const error = await rejection(
      (async () => {
        for (;;) {
          const next = await reader.read();
          if (next.done) return;
          decoded.push(text(next.value));
        }
      })(),
    );
    expectCode(error, 'INVALID_PREFIX');
    // Erroring a web stream drops what is queued but unread, so of the records
    // before the error only a prefix may arrive (documented on the adapter).
    expect(['a', 'b'].slice(0, decoded.length)).toEqual(decoded);
    expectCode(await rejection(readAll(webSource(['3\nab']).pipeThrough(createWebDecodeStream()))), 'TRUNCATED');
    expectCode(await rejection(readAll(webSource(['3\n']).pipeThrough(createWebDecodeStream({ maxRecordSize: 2 })))), 'RECORD_TOO_LARGE');
  });

  it('encodes one chunk per record and round-trips', async () => {
    const encoded = await readAll(webSource<Uint8Array | string>(events).pipeThrough(createWebEncodeStream()));
    expect(encoded.map(text)).toEqual(events.map((e) => text(encodeRecord(e))));
    const decoded = await readAll(webSource<Uint8Array | string>(events).pipeThrough(createWebEncodeStream()).pipeThrough(createWebDecodeStream()));
    expect(decoded.map(text)).toEqual(events);
  });
});
