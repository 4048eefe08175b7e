import { formatBytes, parseBytes } from './index';

function failure(text: string): string {
  const r = parseBytes(text);
  if (r.ok) throw new Error(`expected '${text}' to fail`);
  expect(r.error.code).toBe('INVALID_ARGUMENT');
  return r.error.message;
}

describe('parseBytes', () => {
  it.each([
    ['0B', 0],
    ['100B', 100],
    ['1KB', 1024],
    ['512MB', 512 * 1024 * 1024],
    ['2GB', 2 * 1024 ** 3],
    ['1TB', 1024 ** 4],
    ['64mb', 64 * 1024 ** 2],
    ['3Kb', 3072],
  ])('%s is %d bytes', (text, expected) => {
    expect(parseBytes(text)).toEqual({ ok: true, value: expected });
  });

  it('rejects what stout rejects, with its messages', () => {
    expect(failure('1.5GB')).toBe("Fractional bytes '1.5GB'");
    expect(failure('10XB')).toBe("Unknown bytes unit 'XB'");
    expect(failure('10kib')).toBe("Unknown bytes unit 'KIB'");
    expect(failure('1024')).toBe("Invalid bytes '1024'");
    expect(failure('')).toBe("Invalid bytes ''");
    expect(failure('MB')).toBe("Failed to convert '' to number");
    expect(failure('-1MB')).toBe("Failed to convert '' to number");
  });

  it('rejects sizes that a double cannot hold exactly', () => {
    expect(failure('8192TB')).toContain('exceed the largest size');
    expect(parseBytes('8191TB').ok).toBe(true);
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0B'],
    [1, '1B'],
    [1023, '1023B'],
    [1024, '1KB'],
    [1536 * 1024, '1536KB'],
    [32 * 1024 ** 2, '32MB'],
    [2 * 1024 ** 3, '2GB'],
    [5 * 1024 ** 4, '5TB'],
  ])('%d is %s', (value, expected) => {
    expect(formatBytes(value)).toBe(expected);
    expect(parseBytes(expected)).toEqual({ ok: true, value });
  });

  it('refuses negative and fractional counts', () => {
    expect(() => formatBytes(-1)).toThrow('not a non-negative safe integer');
    expect(() => formatBytes(1.5)).toThrow('not a non-negative safe integer');
  });
});
