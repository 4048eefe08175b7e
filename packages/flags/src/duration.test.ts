import { formatDuration, formatDurationNanos, parseDuration, parseDurationNanos } from './index';

function ms(text: string): number {
  const r = parseDuration(text);
  if (!r.ok) throw r.error;
  return r.value;
}

function failure(text: string): string {
  const r = parseDuration(text);
  if (r.ok) throw new Error(`expected '${text}' to fail`);
  expect(r.error.code).toBe('INVALID_ARGUMENT');
  return r.error.message;
}

describe('parseDuration', () => {
  it.each([
    ['1ns', 0.000001],
    ['1us', 0.001],
    ['250ms', 250],
    ['1secs', 1000],
    ['1.5secs', 1500],
    ['5mins', 300_000],
    ['2hrs', 7_200_000],
    ['1days', 86_400_000],
    ['2weeks', 1_209_600_000],
    ['0secs', 0],
    ['.5secs', 500],
    ['5.secs', 5000],
    ['007ms', 7],
  ])('%s is %d ms', (text, expected) => {
    expect(ms(text)).toBe(expected);
  });

  it('is exact in nanoseconds and truncates fractions of a nanosecond', () => {
    const nanos = (t: string): bigint => {
      const r = parseDurationNanos(t);
      if (!r.ok) throw r.error;
      return r.value;
    };
    expect(nanos('0.3secs')).toBe(300_000_000n);
    expect(nanos('1.9ns')).toBe(1n);
    expect(nanos('1.0000000015secs')).toBe(1_000_000_001n);
    expect(nanos('15250weeks')).toBe(15250n * 7n * 24n * 3600n * 1_000_000_000n);
  });

  it('rejects a missing, unknown or mis-cased unit with stout’s messages', () => {
    expect(failure('5sex')).toBe(
      "Unknown duration unit 'sex'; supported units are 'ns', 'us', 'ms', 'secs', 'mins', 'hrs', 'days', and 'weeks'",
    );
    expect(failure('5sec')).toContain("Unknown duration unit 'sec'");
    expect(failure('5SECS')).toContain("Unknown duration unit 'SECS'");
    expect(failure('5 secs')).toContain("Unknown duration unit ' secs'");
    expect(failure('5')).toBe("Invalid duration '5'");
    expect(failure('')).toBe("Invalid duration ''");
  });

  it('rejects malformed numbers, signs and exponents like numify', () => {
    expect(failure('secs')).toBe("Failed to convert '' to number");
    expect(failure('-1secs')).toBe("Failed to convert '' to number");
    expect(failure('1.2.3secs')).toBe("Failed to convert '1.2.3' to number");
    expect(failure('.secs')).toBe("Failed to convert '.' to number");
    expect(failure('1e3secs')).toContain("Unknown duration unit 'e3secs'");
  });

  it('rejects durations beyond int64 nanoseconds', () => {
    expect(failure('15251weeks')).toBe("Argument out of the range that a Duration can represent due to int64_t's size limit");
    expect(failure('99999999999999999999ns')).toContain('Argument out of the range');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ns'],
    [0.000001, '1ns'],
    [0.0015, '1500ns'],
    [0.002, '2us'],
    [1.5, '1500us'],
    [500, '500ms'],
    [1000, '1secs'],
    [1500, '1500ms'],
    [15_000, '15secs'],
    [60_000, '1mins'],
    [90_000, '90secs'],
    [1.5 * 604_800_000, '1.5weeks'],
    [36 * 3_600_000, '36hrs'],
    [61_000, '61secs'],
    [300_000, '5mins'],
    [3_600_000, '1hrs'],
    [5_400_000, '90mins'],
    [86_400_000, '1days'],
    [864_000_000, '10days'],
    [604_800_000, '1weeks'],
    [1_209_600_000, '2weeks'],
    [-1000, '-1secs'],
    [5_367_000, '1.49083333333333hrs'],
  ])('%d ms is %s', (value, expected) => {
    expect(formatDuration(value)).toBe(expected);
  });

  it('prints up to 15 significant digits, as stout does', () => {
    expect(formatDuration(1000 / 3)).toBe('333.333333ms');
    expect(formatDurationNanos(1_000_000_001n)).toBe('1.000000001secs');
    expect(formatDurationNanos(-(1n << 63n))).toBe('-15250.2844524715weeks');
  });

  it('round-trips with parseDuration', () => {
    for (const text of ['1ns', '999us', '1secs', '1500ms', '5mins', '90mins', '1.5weeks', '10days', '3weeks']) {
      expect(formatDuration(ms(text))).toBe(text);
    }
  });

  it('refuses a non-finite number', () => {
    expect(() => formatDuration(Number.NaN)).toThrow('not a finite number');
  });
});
