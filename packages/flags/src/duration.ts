import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';

// Nanoseconds per unit, as stout's Duration counts them. Durations are int64
// nanoseconds there; we keep them as bigint so that parsing is exact.
const NS = 1n;
const US = 1000n * NS;
const MS = 1000n * US;
const SECS = 1000n * MS;
const MINS = 60n * SECS;
const HRS = 60n * MINS;
const DAYS = 24n * HRS;
const WEEKS = 7n * DAYS;

const UNITS: ReadonlyMap<string, bigint> = new Map([
  ['ns', NS],
  ['us', US],
  ['ms', MS],
  ['secs', SECS],
  ['mins', MINS],
  ['hrs', HRS],
  ['days', DAYS],
  ['weeks', WEEKS],
]);

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

function invalid(message: string): Result<never> {
  return err(new MesosTsError('INVALID_ARGUMENT', message));
}

/**
 * Parses a Mesos duration (`<number><unit>`, e.g. `5secs`, `1.5mins`, `250ms`) into whole nanoseconds.
 *
 * Same grammar and messages as stout's `Duration::parse`: the number is the leading run of digits and dots
 * (so no sign and no exponent), the unit is the rest and must be one of `ns us ms secs mins hrs days weeks`
 * exactly (case-sensitive, no spaces). Fractions are truncated toward zero at the nanosecond, as stout's
 * `int64_t` cast does; unlike stout the arithmetic is decimal-exact rather than in `double`.
 */
export function parseDurationNanos(text: string): Result<bigint> {
  let index = 0;
  while (index < text.length) {
    const c = text.charCodeAt(index);
    if ((c >= 48 && c <= 57) || c === 46 /* . */) {
      index++;
      continue;
    }
    const number = text.slice(0, index);
    const match = /^(\d*)(?:\.(\d*))?$/.exec(number);
    // The regex also admits "" and "."; stout's numify rejects those, and so do we.
    if (match === null || number === '' || number === '.') {
      return invalid(`Failed to convert '${number}' to number`);
    }
    const unit = text.slice(index);
    const factor = UNITS.get(unit);
    if (factor === undefined) {
      return invalid(
        `Unknown duration unit '${unit}'; supported units are 'ns', 'us', 'ms', 'secs', 'mins', 'hrs', 'days', and 'weeks'`,
      );
    }
    const whole = match[1] ?? '';
    const fraction = match[2] ?? '';
    const mantissa = BigInt((whole + fraction) || '0');
    const nanos = (mantissa * factor) / 10n ** BigInt(fraction.length);
    if (nanos > INT64_MAX) {
      return invalid("Argument out of the range that a Duration can represent due to int64_t's size limit");
    }
    return ok(nanos);
  }
  // Only digits and dots (or nothing at all): the unit is missing.
  return invalid(`Invalid duration '${text}'`);
}

/**
 * Parses a Mesos duration (see {@link parseDurationNanos}) into milliseconds, the unit the rest of mesos-ts
 * uses for intervals and timeouts. The result is the nearest double to the exact value, so integer
 * nanosecond inputs below 2^53 ns (about 104 days) round-trip through {@link formatDuration}.
 */
export function parseDuration(text: string): Result<number> {
  const nanos = parseDurationNanos(text);
  if (!nanos.ok) return nanos;
  return ok(nanosToMillis(nanos.value));
}

/** Nanoseconds to milliseconds, rounded once (not via a lossy intermediate). */
export function nanosToMillis(nanos: bigint): number {
  const whole = nanos / MS;
  const rest = nanos % MS;
  return rest === 0n ? Number(whole) : Number(nanos) / 1e6;
}

// stout prints the unit's value as a double with 15 significant digits (`%.15g`-like). Values here are always
// at least 1 and below 1e15, so JavaScript's shortest form of the 15-digit rounding is the same text.
function formatNumber(value: number): string {
  return String(Number(value.toPrecision(15)));
}

function per(nanos: bigint, unit: bigint): string {
  return formatNumber(Number(nanos) / Number(unit));
}

/**
 * Formats whole nanoseconds the way stout's `operator<<(ostream&, Duration)` does: the largest unit not
 * above the value, unless the next smaller unit gives a whole number where this one does not
 * (`1500ms` rather than `1.5secs`, `90mins` rather than `1.5hrs`, `10days` rather than `1.42857142857143weeks`;
 * `1.5weeks` stays, as 10.5 days is no whole number of days either).
 *
 * Precondition: `nanos` fits in an int64.
 */
export function formatDurationNanos(nanos: bigint): string {
  if (nanos < 0n) {
    // stout's Duration::min() has no positive counterpart; it prints max() with a sign.
    return `-${formatDurationNanos(nanos === INT64_MIN ? INT64_MAX : -nanos)}`;
  }
  if (nanos < US) return `${nanos}ns`;
  if (nanos < MS) return nanos % US !== 0n ? `${nanos}ns` : `${per(nanos, US)}us`;
  const buckets: ReadonlyArray<readonly [bigint, bigint, string, bigint, string]> = [
    // [upper bound, this unit, its name, the next smaller unit, its name]
    [SECS, MS, 'ms', US, 'us'],
    [MINS, SECS, 'secs', MS, 'ms'],
    [HRS, MINS, 'mins', SECS, 'secs'],
    [DAYS, HRS, 'hrs', MINS, 'mins'],
    [WEEKS, DAYS, 'days', HRS, 'hrs'],
  ];
  for (const [bound, unit, name, smaller, smallerName] of buckets) {
    if (nanos < bound) {
      return nanos % unit !== 0n && nanos % smaller === 0n ? `${per(nanos, smaller)}${smallerName}` : `${per(nanos, unit)}${name}`;
    }
  }
  return nanos % WEEKS !== 0n && nanos % DAYS === 0n ? `${per(nanos, DAYS)}days` : `${per(nanos, WEEKS)}weeks`;
}

/**
 * Formats a duration given in milliseconds as Mesos prints it (`1secs`, `5mins`, `500ms`, `1.5hrs`); the
 * inverse of {@link parseDuration}. The value is first rounded to whole nanoseconds.
 *
 * Precondition: `millis` is finite.
 */
export function formatDuration(millis: number): string {
  if (!Number.isFinite(millis)) {
    throw new MesosTsError('INVALID_ARGUMENT', `Cannot format duration ${millis}: not a finite number of milliseconds`);
  }
  // Split so that large whole-millisecond values stay exact (millis * 1e6 could lose low digits).
  const whole = Math.trunc(millis);
  const fractionNanos = Math.round((millis - whole) * 1e6);
  let nanos = BigInt(whole) * MS + BigInt(fractionNanos);
  if (nanos > INT64_MAX) nanos = INT64_MAX;
  if (nanos < INT64_MIN) nanos = INT64_MIN;
  return formatDurationNanos(nanos);
}
