/**
 * The direct binary codec (binary.ts) against the protobufjs one it replaced (binary-reference.ts): the same
 * bytes for every message, the same messages for every input, and the same verdict on malformed input.
 */
import fc from 'fast-check';
import type { MessageName } from '../gen/messages';
import { createRng, randomMessage } from '../testing';
import { decodeBinary, encodeBinary } from './binary';
import { decodeBinaryReference, encodeBinaryReference } from './binary-reference';
import { allMessageNames } from './schema';

const names = allMessageNames().filter((n) => !n.startsWith('google.')) as MessageName[];
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('direct binary codec vs protobufjs', () => {
  it('writes the same bytes and reads them back the same, for random messages of every type', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rng = createRng(seed);
        const type = names[Math.floor(rng() * names.length)]!;
        const message = randomMessage(type, rng);
        const bytes = encodeBinary(type, message);
        expect(hex(bytes)).toBe(hex(encodeBinaryReference(type, message)));
        const mine = decodeBinary(type, bytes);
        const theirs = decodeBinaryReference(type, bytes);
        expect(mine).toEqual(theirs);
      }),
      { numRuns: 3000 },
    );
  });

  it('covers every message type', () => {
    for (const [i, type] of names.entries()) {
      const message = randomMessage(type, createRng(i + 7), { maxDepth: 3 });
      const bytes = encodeBinary(type, message);
      expect(hex(bytes)).toBe(hex(encodeBinaryReference(type, message)));
      expect(decodeBinary(type, bytes)).toEqual(decodeBinaryReference(type, bytes));
    }
  });

  it('writes 64-bit and negative integers as protobufjs does', () => {
    const cases: [MessageName, object][] = [
      ['mesos.v1.Value.Range', { begin: 0n, end: 18446744073709551615n }],
      ['mesos.v1.Value.Range', { begin: 4294967296n, end: 9007199254740993n }],
      ['mesos.v1.TimeInfo', { nanoseconds: -1n }],
      ['mesos.v1.TimeInfo', { nanoseconds: -9223372036854775808n }],
      ['mesos.v1.TimeInfo', { nanoseconds: 9223372036854775807n }],
      ['mesos.v1.Value.Scalar', { value: -0.000001 }],
      ['mesos.v1.Offer.Operation.Launch', { taskInfos: [] }],
    ];
    for (const [type, message] of cases) {
      const bytes = encodeBinary(type, message as never);
      expect(hex(bytes)).toBe(hex(encodeBinaryReference(type, message)));
      expect(decodeBinary(type, bytes)).toEqual(decodeBinaryReference(type, bytes));
    }
  });

  it('writes long strings and large sub-messages (multi-byte lengths, non-ASCII)', () => {
    const long = 'x'.repeat(300) + 'é€😀';
    const message = { user: long, name: 'ü'.repeat(70), labels: { labels: Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: long })) } };
    const bytes = encodeBinary('mesos.v1.FrameworkInfo', message);
    expect(hex(bytes)).toBe(hex(encodeBinaryReference('mesos.v1.FrameworkInfo', message)));
    const back = decodeBinary('mesos.v1.FrameworkInfo', bytes);
    expect(back.ok && back.value).toEqual(message);
  });

  it('returns Buffer copies for bytes fields (as the generated types say), not views of the input', () => {
    const input = Buffer.from(encodeBinary('mesos.v1.TaskStatus', { taskId: { value: 't' }, state: 1, uuid: Uint8Array.from([1, 2, 3]) }));
    const r = decodeBinary('mesos.v1.TaskStatus', input);
    if (!r.ok) throw r.error;
    const uuid = (r.value as { uuid: Uint8Array }).uuid;
    expect(Buffer.isBuffer(uuid)).toBe(true);
    input.fill(0);
    expect([...uuid]).toEqual([1, 2, 3]);
  });

  it('reads random bytes as protobufjs does whenever both accept them, and fails cleanly otherwise', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 48 }), (bytes) => {
        const mine = decodeBinary('mesos.v1.scheduler.Call', bytes);
        const theirs = decodeBinaryReference('mesos.v1.scheduler.Call', bytes);
        // They may differ on malformed input only: protobufjs reads a field sent with another wire type as if it
        // had the field's own, and gives up on over-long varints that protobuf itself accepts.
        if (mine.ok && theirs.ok) expect(mine.value).toEqual(theirs.value);
        if (!mine.ok) expect(mine.error.message).toMatch(/^Failed to parse mesos.v1.scheduler.Call from protobuf: \S/);
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses every truncation of a valid message, as protobufjs does', () => {
    const rng = createRng(42);
    for (let n = 0; n < 50; n++) {
      const message = randomMessage('mesos.v1.scheduler.Call', rng, { maxDepth: 3 });
      const bytes = encodeBinary('mesos.v1.scheduler.Call', message);
      for (let cut = 1; cut < Math.min(bytes.length, 40); cut++) {
        const part = bytes.subarray(0, bytes.length - cut);
        const mine = decodeBinary('mesos.v1.scheduler.Call', part);
        const theirs = decodeBinaryReference('mesos.v1.scheduler.Call', part);
        expect(mine.ok).toBe(theirs.ok);
        if (mine.ok && theirs.ok) expect(mine.value).toEqual(theirs.value);
      }
    }
  });

  it('names the field and value it cannot encode', () => {
    expect(() => encodeBinary('mesos.v1.FrameworkInfo', { user: 'u', name: 'n', roles: ['a', 3] } as never)).toThrow(/Cannot encode mesos.v1.FrameworkInfo: roles\[1\]: expected a string, got number 3/);
    expect(() => encodeBinary('mesos.v1.Value.Range', { begin: -1n, end: 1n } as never)).toThrow(/begin: -1 is out of range for uint64/);
    // The scratch buffer is reusable after a failure.
    expect(hex(encodeBinary('mesos.v1.Value.Range', { begin: 1n, end: 2n }))).toBe('08011002');
  });
});
