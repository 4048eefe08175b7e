import { RecordIODecoder, RecordIOError } from './recordio';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

function frame(record: string): string {
  return `${bytes(record).length}\n${record}`;
}

describe('RecordIODecoder', () => {
  it('splits records and keeps partial ones for the next chunk', () => {
    const decoder = new RecordIODecoder();
    const stream = bytes(frame('{"type":"SUBSCRIBED"}') + frame('{"type":"HEARTBEAT"}'));
    expect(decoder.decode(stream.subarray(0, 5))).toEqual([]);
    expect(decoder.decode(stream.subarray(5, 30))).toEqual(['{"type":"SUBSCRIBED"}']);
    expect(decoder.pending).toBeGreaterThan(0);
    expect(decoder.decode(stream.subarray(30))).toEqual(['{"type":"HEARTBEAT"}']);
    expect(decoder.pending).toBe(0);
  });

  it('counts lengths in bytes, with a multi-byte character split across chunks', () => {
    const decoder = new RecordIODecoder();
    const record = '{"name":"tâche 任务"}';
    const stream = bytes(frame(record));
    const cut = stream.indexOf(0xe4) + 1; // inside the three bytes of 任
    expect(decoder.decode(stream.subarray(0, cut))).toEqual([]);
    expect(decoder.decode(stream.subarray(cut))).toEqual([record]);
  });

  it('decodes one byte at a time', () => {
    const decoder = new RecordIODecoder();
    const stream = bytes(frame('a') + frame('') + frame('bc'));
    const out: string[] = [];
    for (let i = 0; i < stream.length; i++) out.push(...decoder.decode(stream.subarray(i, i + 1)));
    expect(out).toEqual(['a', '', 'bc']);
  });

  it('rejects a stream that is not RecordIO', () => {
    expect(() => new RecordIODecoder().decode(bytes('<html>\nerror'))).toThrow(RecordIOError);
    expect(() => new RecordIODecoder().decode(bytes('<!doctype html><html><head><title>x'))).toThrow(/Expected a record length/);
  });
});
