import { ok } from '@mesos-ts/errors';
import { customFlag, defineFlags, parseFlags, type FlagValues } from './index';

// Compile-time checks (tsc -b runs over tests): what parseFlags's values are typed as.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

const spec = defineFlags({
  ip: { type: 'string', help: 'IP.' },
  port: { type: 'integer', help: 'Port.', default: 5050 },
  work_dir: { type: 'string', help: 'Dir.', required: true },
  verbose: { type: 'boolean', help: 'Verbose.' },
  interval: { type: 'duration', help: 'Interval.', default: 1000 },
  weights: { type: 'json', help: 'Weights.' },
  level: customFlag({ help: 'Level.', parse: (t: string) => ok(t.length), default: 1 }),
  tags: customFlag({ help: 'Tags.', parse: (t: string) => ok(t.split(',')) }),
});

type Values = FlagValues<typeof spec>;
assertType<Equal<Values['ip'], string | undefined>>();
assertType<Equal<Values['port'], number>>();
assertType<Equal<Values['work_dir'], string>>();
assertType<Equal<Values['verbose'], boolean | undefined>>();
assertType<Equal<Values['interval'], number>>();
assertType<Equal<Values['weights'], unknown>>();
assertType<Equal<Values['level'], number>>();
assertType<Equal<Values['tags'], string[] | undefined>>();
assertType<Equal<Values['help'], boolean>>();

describe('types', () => {
  it('carries the declared types through parseFlags', () => {
    const r = parseFlags(spec, { argv: ['--work_dir=/w', '--level=abc', '--tags=a,b'] });
    if (!r.ok) throw r.error;
    const dir: string = r.value.flags.work_dir;
    const level: number = r.value.flags.level;
    expect([dir, level, r.value.flags.tags]).toEqual(['/w', 3, ['a', 'b']]);
  });
});
