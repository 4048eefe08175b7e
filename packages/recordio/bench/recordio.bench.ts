/**
 * RecordIO throughput: framing N records of S bytes, and decoding the framed
 * stream as it would arrive off a socket (fixed-size chunks, so records are
 * split anywhere). No Mesos figure is published for this, so no reference.
 */
import { blackhole, type BenchFigure, type BenchScenario, time } from '../../../tools/bench/harness';
import { encodeRecord, RecordIODecoder } from '@mesos-ts/recordio';

const KiB = 1024;
const MiB = 1024 * KiB;

function bodies(count: number, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let k = 0; k < count; k++) {
    const body = new Uint8Array(size);
    for (let i = 0; i < size; i += 97) body[i] = (k + i) & 0xff;
    out.push(body);
  }
  return out;
}

/** ASCII JSON-like text of `size` bytes, like a Mesos event. */
function texts(count: number, size: number): string[] {
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    const head = `{"type":"UPDATE","seq":${k},"data":"`;
    out.push(head + 'x'.repeat(Math.max(0, size - head.length - 2)) + '"}');
  }
  return out;
}

function framed(records: readonly Uint8Array[]): Uint8Array {
  const parts = records.map(encodeRecord);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function throughput(medianNs: number, bytes: number, records: number): BenchFigure[] {
  const seconds = medianNs / 1e9;
  return [
    { metric: 'throughput', value: bytes / 1e6 / seconds, unit: 'MB/s' },
    { metric: 'records_per_s', value: records / seconds, unit: 'records/s' },
    { metric: 'ms_per_batch', value: medianNs / 1e6, unit: 'ms' },
  ];
}

function encodeScenario(count: number, size: number, kind: 'bytes' | 'string'): BenchScenario {
  return {
    name: kind === 'bytes' ? 'recordio/EncodeBytes' : 'recordio/EncodeString',
    params: { records: count, bytes: size },
    run(): BenchFigure[] {
      const input: readonly (Uint8Array | string)[] = kind === 'bytes' ? bodies(count, size) : texts(count, size);
      let total = 0;
      const t = time(
        () => {
          total = 0;
          for (const record of input) total += encodeRecord(record).length;
          return total;
        },
        { warmup: 3, samples: size >= MiB ? 9 : 15 },
      );
      return throughput(t.medianNs, total, count);
    },
  };
}

function decodeScenario(count: number, size: number, chunkSize: number): BenchScenario {
  return {
    name: 'recordio/Decode',
    params: { records: count, bytes: size, chunk: chunkSize },
    run(): BenchFigure[] {
      const stream = framed(bodies(count, size));
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < stream.length; at += chunkSize) chunks.push(stream.subarray(at, at + chunkSize));
      const t = time(
        () => {
          const decoder = new RecordIODecoder();
          let n = 0;
          let last: Uint8Array | undefined;
          for (const chunk of chunks) {
            decoder.write(chunk, (record) => {
              n++;
              last = record;
            });
          }
          decoder.end();
          if (n !== count) throw new Error(`decoded ${n} records, expected ${count}`);
          blackhole(last);
          return n;
        },
        { warmup: 3, samples: size >= MiB ? 9 : 15 },
      );
      return throughput(t.medianNs, stream.length, count);
    },
  };
}

export const scenarios: BenchScenario[] = [
  encodeScenario(10_000, KiB, 'bytes'),
  encodeScenario(10_000, KiB, 'string'),
  encodeScenario(100, MiB, 'bytes'),
  encodeScenario(100, MiB, 'string'),
  decodeScenario(10_000, KiB, 64 * KiB),
  decodeScenario(10_000, KiB, 1500),
  decodeScenario(100, MiB, 64 * KiB),
  decodeScenario(100_000, 64, 64 * KiB),
];
