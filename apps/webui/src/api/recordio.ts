/**
 * RecordIO framing as the master streams events: `<decimal byte length>\n<record bytes>`, repeated. Lengths count
 * bytes, not characters, so the decoder works on bytes and decodes each whole record as UTF-8.
 */

/** Longest record accepted (the SUBSCRIBED snapshot of a big cluster is large, but not this large). */
export const MAX_RECORD_BYTES = 512 * 1024 * 1024;

/** A framing error: the stream is not RecordIO (e.g. an HTML error page) and cannot be resumed. */
export class RecordIOError extends Error {
  override readonly name = 'RecordIOError';
}

/** Feeds chunks in, gets whole records out. */
export class RecordIODecoder {
  private buffer = new Uint8Array(0);
  private readonly text = new TextDecoder('utf-8');

  /** Adds a chunk; returns every record it completes, in order. Throws {@link RecordIOError} on bad framing. */
  decode(chunk: Uint8Array): string[] {
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer, 0);
    joined.set(chunk, this.buffer.length);
    const records: string[] = [];
    let at = 0;
    for (;;) {
      const newline = joined.indexOf(0x0a, at);
      if (newline < 0) {
        if (joined.length - at > 20) throw new RecordIOError(`Expected a record length, got ${JSON.stringify(this.text.decode(joined.subarray(at, at + 40)))}`);
        break;
      }
      const header = this.text.decode(joined.subarray(at, newline)).trim();
      if (!/^\d+$/.test(header)) throw new RecordIOError(`Bad record length ${JSON.stringify(header.slice(0, 40))}`);
      const length = Number(header);
      if (length > MAX_RECORD_BYTES) throw new RecordIOError(`Record of ${length} bytes is over the ${MAX_RECORD_BYTES}-byte limit`);
      if (joined.length - (newline + 1) < length) break;
      records.push(this.text.decode(joined.subarray(newline + 1, newline + 1 + length)));
      at = newline + 1 + length;
    }
    this.buffer = joined.slice(at);
    return records;
  }

  /** Bytes held for an incomplete record. */
  get pending(): number {
    return this.buffer.length;
  }
}
