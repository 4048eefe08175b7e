import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';

const KB = 1024;
const MB = 1024 * KB;
const GB = 1024 * MB;
const TB = 1024 * GB;

const UNITS: ReadonlyMap<string, number> = new Map([
  ['B', 1],
  ['KB', KB],
  ['MB', MB],
  ['GB', GB],
  ['TB', TB],
]);

function invalid(message: string): Result<never> {
  return err(new MesosTsError('INVALID_ARGUMENT', message));
}

/**
 * Parses a Mesos byte size (`<digits><unit>`, e.g. `512MB`, `1GB`, `100B`) into a number of bytes.
 *
 * Same grammar and messages as stout's `Bytes::parse`: whole numbers only, the unit is case-insensitive and one
 * of `B KB MB GB TB` (powers of 1024). Where stout would silently wrap a uint64 overflow, sizes above
 * `Number.MAX_SAFE_INTEGER` bytes (8 PiB) are rejected here, so the result is always an exact integer.
 */
export function parseBytes(text: string): Result<number> {
  let index = 0;
  while (index < text.length) {
    const c = text.charCodeAt(index);
    if (c >= 48 && c <= 57) {
      index++;
      continue;
    }
    if (c === 46 /* . */) return invalid(`Fractional bytes '${text}'`);
    const digits = text.slice(0, index);
    if (digits === '') return invalid(`Failed to convert '${digits}' to number`);
    // ASCII-only upper-casing, like strings::upper in the C locale.
    const unit = text.slice(index).replace(/[a-z]/g, (ch) => ch.toUpperCase());
    const factor = UNITS.get(unit);
    if (factor === undefined) return invalid(`Unknown bytes unit '${unit}'`);
    const bytes = BigInt(digits) * BigInt(factor);
    if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) {
      return invalid(`Bytes '${text}' exceed the largest size representable exactly (${Number.MAX_SAFE_INTEGER}B)`);
    }
    return ok(Number(bytes));
  }
  return invalid(`Invalid bytes '${text}'`);
}

/**
 * Formats a byte count as stout prints `Bytes`: the largest unit that loses nothing (`0B`, `1023B`, `1KB`,
 * `1536KB`, `2GB`).
 *
 * Precondition: `bytes` is a non-negative safe integer.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isSafeInteger(bytes) || bytes < 0) {
    throw new MesosTsError('INVALID_ARGUMENT', `Cannot format ${bytes} as bytes: not a non-negative safe integer`);
  }
  if (bytes === 0) return '0B';
  if (bytes % KB !== 0) return `${bytes}B`;
  if (bytes % MB !== 0) return `${bytes / KB}KB`;
  if (bytes % GB !== 0) return `${bytes / MB}MB`;
  if (bytes % TB !== 0) return `${bytes / GB}GB`;
  return `${bytes / TB}TB`;
}
