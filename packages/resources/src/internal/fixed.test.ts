import { checkScalar, formatFixed, fromFixed, toFixed } from './fixed';

describe('fixed-point scalars', () => {
  it('rounds to thousandths, half away from zero (PrecisionRounding, PrintingScalarPrecision)', () => {
    expect(toFixed(1.234)).toBe(1234);
    expect(toFixed(1.2345)).toBe(1235);
    expect(toFixed(1.2344)).toBe(1234);
    expect(toFixed(1.5015)).toBe(1502);
    expect(toFixed(1.5011)).toBe(1501);
    expect(toFixed(99999999999.9994)).toBe(99999999999999);
  });

  it('converts back to the double a user would type', () => {
    expect(fromFixed(45550)).toBe(45.55);
    expect(fromFixed(1001)).toBe(1.001);
    expect(fromFixed(145540)).toBe(145.54);
    expect(fromFixed(91100)).toBe(91.1);
  });

  it('prints exactly, without trailing zeroes', () => {
    expect(formatFixed(1100)).toBe('1.1');
    expect(formatFixed(1000001000)).toBe('1000001');
    expect(formatFixed(99999999999999)).toBe('99999999999.999');
    expect(formatFixed(5)).toBe('0.005');
    expect(formatFixed(0)).toBe('0');
  });

  it('rejects what Mesos rejects', () => {
    expect(checkScalar(1)).toBeUndefined();
    expect(checkScalar(0)).toBeUndefined();
    expect(checkScalar(Number.NaN)).toMatch(/NaN/);
    expect(checkScalar(Number.POSITIVE_INFINITY)).toMatch(/infinite/);
    expect(checkScalar(-1)).toMatch(/negative/);
    expect(checkScalar(0.00001)).toMatch(/rounds to zero/);
    expect(checkScalar(1e13)).toMatch(/too large/);
  });
});
