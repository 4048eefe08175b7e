import { formatJson, formatNumber, formatTable, formatTime, formatUsage } from './table';

describe('formatTable', () => {
  it('aligns columns under their headers with two spaces and no trailing spaces', () => {
    const text = formatTable(['ID', 'HOST', { header: 'CPUS', align: 'right' }, 'NOTE'], [
      ['a1', 'node-long-name', '4', ''],
      ['b22', 'n', '16', 'x'],
    ]);
    expect(text).toBe(['ID   HOST            CPUS  NOTE', 'a1   node-long-name     4', 'b22  n                 16  x', ''].join('\n'));
  });

  it('prints only the header for no rows, and flattens newlines in cells', () => {
    expect(formatTable(['A', 'B'], [])).toBe('A  B\n');
    expect(formatTable(['A'], [['one\ntwo']])).toBe('A\none two\n');
  });
});

describe('number, usage, time and JSON formatting', () => {
  it('formats scalars with up to 3 decimals', () => {
    expect(formatNumber(4)).toBe('4');
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(1.23456)).toBe('1.235');
  });

  it('formats used/total, and a dash when the agent has none', () => {
    expect(formatUsage(0.5, 4)).toBe('0.5/4');
    expect(formatUsage(undefined, 4)).toBe('0/4');
    expect(formatUsage(undefined, undefined)).toBe('-');
  });

  it('formats times as ISO seconds, and a dash for none', () => {
    expect(formatTime(1_700_000_000)).toBe('2023-11-14T22:13:20Z');
    expect(formatTime(undefined)).toBe('-');
  });

  it('writes bigints as numbers and bytes as base64', () => {
    expect(formatJson({ n: 5n, b: new Uint8Array([104, 105]) })).toBe('{\n  "n": 5,\n  "b": "aGk="\n}\n');
  });
});
