import { customFlag, defineFlags, formatHelp } from './index';
import { ok } from '@mesos-ts/errors';

describe('formatHelp', () => {
  // The same shapes as stout's own FlagsTest.Usage (names of the same lengths, our own help texts): the help
  // column starts five spaces after the longest flag column.
  it('lays flags out as stout does: sorted, two columns, defaults, aliases', () => {
    const spec = defineFlags({
      name1: { type: 'string', help: 'First', default: 'ben folds' },
      name2: { type: 'integer', help: 'Second', default: 42 },
      name3: { type: 'boolean', help: 'Third', default: false },
      name4: { type: 'boolean', help: 'Fourth' },
      z6: { type: 'string', help: 'Sixth', alias: 'a6' },
      z7: { type: 'boolean', help: 'Seventh', alias: 'a7', default: true },
      z8: { type: 'string', help: 'Eighth', alias: { name: 'a8', deprecated: true }, default: 'value8' },
    });
    expect(formatHelp(spec, '')).toBe(
      'Usage:  [options]\n' +
        '\n' +
        '  --[no-]help                Prints this help message (default: false)\n' +
        '  --name1=VALUE              First (default: ben folds)\n' +
        '  --name2=VALUE              Second (default: 42)\n' +
        '  --[no-]name3               Third (default: false)\n' +
        '  --[no-]name4               Fourth\n' +
        '  --z6=VALUE, --a6=VALUE     Sixth\n' +
        '  --[no-]z7, --[no-]a7       Seventh (default: true)\n' +
        '  --z8=VALUE, --a8=VALUE     Eighth (default: value8)\n',
    );
  });

  it('indents continuation lines and puts the default on its own line after a trailing newline', () => {
    const spec = defineFlags({
      a: { type: 'string', help: 'First line\nsecond line.' },
      b: { type: 'bytes', help: 'Size, one line\n', default: 32 * 1024 * 1024 },
      c: { type: 'string', help: '', default: 'x' },
    });
    expect(formatHelp(spec, 'p')).toBe(
      [
        'Usage: p [options]',
        '',
        '  --a=VALUE       First line',
        '                  second line.',
        '  --b=VALUE       Size, one line',
        '                  (default: 32MB)',
        '  --c=VALUE       (default: x)',
        '  --[no-]help     Prints this help message (default: false)',
        '',
      ].join('\n'),
    );
  });

  it('prints defaults of every type and no default for required flags', () => {
    const spec = defineFlags({
      d: { type: 'duration', help: 'D.', default: 90_000 },
      j: { type: 'json', help: 'J.', default: { a: [1] } },
      n: { type: 'number', help: 'N.', default: 0.5 },
      r: { type: 'string', help: 'R.', required: true },
      s: customFlag({ help: 'S.', parse: (t: string) => ok(new Set(t.split(','))), default: new Set(['x', 'y']), format: (v) => [...v].join(',') }),
      t: customFlag({ help: 'T.', parse: (t: string) => ok(Number(t)), default: 7 }),
    });
    const text = formatHelp(spec, 'p');
    expect(text).toContain('  --d=VALUE       D. (default: 90secs)\n');
    expect(text).toContain('  --j=VALUE       J. (default: {"a":[1]})\n');
    expect(text).toContain('  --n=VALUE       N. (default: 0.5)\n');
    expect(text).toContain('  --r=VALUE       R.\n');
    expect(text).toContain('  --s=VALUE       S. (default: x,y)\n');
    expect(text).toContain('  --t=VALUE       T. (default: 7)\n');
  });

  it('takes a custom usage line and a leading message', () => {
    const text = formatHelp(defineFlags({}), 'p', { usage: 'Usage: p [options] <dir>', message: "Missing required flag '--dir'" });
    expect(text).toBe("Missing required flag '--dir'\n\nUsage: p [options] <dir>\n\n  --[no-]help     Prints this help message (default: false)\n");
  });
});
