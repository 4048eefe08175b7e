/**
 * Fixed-point scalars. Mesos keeps scalar resources as doubles on the wire but
 * does all arithmetic in integer thousandths (`llround(value * 1000)`), so
 * `0.1 + 0.2` is exactly `0.3` and a long chain of additions and subtractions
 * returns to where it started. We store the thousandths directly and convert
 * only at the edges (proto in/out, text in/out).
 *
 * Invariant: every fixed value we hold is an integer in
 * [0, Number.MAX_SAFE_INTEGER], so it is exact as a JS number.
 */

/** Largest scalar (in units, not thousandths) we can hold exactly. */
export const MAX_SCALAR = Number.MAX_SAFE_INTEGER / 1000;

/**
 * Rounds a double to thousandths the way Mesos does (half away from zero).
 * Only ever called with finite, non-negative input, where Math.round agrees
 * with llround.
 */
export function toFixed(value: number): number {
  return Math.round(value * 1000);
}

/**
 * Converts thousandths back to a double. Like Mesos we divide the integer and
 * fractional parts separately so the float division only ever sees [0, 999]:
 * 45550 becomes 45 + 0.55, the same double a user typing "45.55" gets.
 */
export function fromFixed(fixed: number): number {
  const whole = Math.trunc(fixed / 1000);
  return whole + (fixed - whole * 1000) / 1000;
}

/** Exact decimal text for thousandths: 45550 -> "45.55", 1000 -> "1". */
export function formatFixed(fixed: number): string {
  const negative = fixed < 0;
  const abs = negative ? -fixed : fixed;
  const whole = Math.trunc(abs / 1000);
  const frac = abs - whole * 1000;
  let text = String(whole);
  if (frac !== 0) {
    let digits = frac < 10 ? `00${frac}` : frac < 100 ? `0${frac}` : String(frac);
    while (digits.endsWith('0')) digits = digits.slice(0, -1);
    text += `.${digits}`;
  }
  return negative ? `-${text}` : text;
}

/**
 * Checks a user-supplied scalar the way Mesos does before it becomes a
 * resource: finite, not negative, and not a non-zero value that would round to
 * zero (Mesos rejects "cpus:0.0001"). Returns a reason, or undefined if fine.
 */
export function checkScalar(value: number): string | undefined {
  if (Number.isNaN(value)) return 'NaN is not supported';
  if (!Number.isFinite(value)) return 'infinite values are not supported';
  if (value < 0) return `negative values are not supported (got ${value})`;
  if (value > MAX_SCALAR) return `value ${value} is too large (the largest scalar mesos-ts holds exactly is ${formatFixed(Number.MAX_SAFE_INTEGER)})`;
  if (value !== 0 && toFixed(value) === 0) return `value ${value} rounds to zero at Mesos's precision of 0.001`;
  return undefined;
}
