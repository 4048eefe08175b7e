import fc from 'fast-check';
import { defineFlags, FlagsError, formatBytes, formatDuration, parseBytes, parseDuration, parseFlags } from './index';
import { customFlag } from './define';
import { err, ok } from '@mesos-ts/errors';

const spec = defineFlags({
  ip: { type: 'string', help: 'IP.' },
  port: { type: 'integer', help: 'Port.', default: 5050, min: 0, max: 65535 },
  work_dir: { type: 'string', help: 'Dir.', required: true },
  interval: { type: 'duration', help: 'Interval.', default: 1000, alias: { name: 'old_interval', deprecated: true } },
  size: { type: 'bytes', help: 'Size.' },
  ratio: { type: 'number', help: 'Ratio.', validate: (r) => (r > 1 ? 'Expected --ratio <= 1' : undefined) },
  quiet: { type: 'boolean', help: 'Quiet.', default: false },
  doc: { type: 'json', help: 'Doc.', jsonType: 'object' },
  odd: customFlag({ help: 'Odd.', parse: (t: string) => (t.length % 2 === 1 ? ok(t) : err('even')) }),
});

const names = ['ip', 'port', 'work_dir', 'interval', 'old_interval', 'size', 'ratio', 'quiet', 'doc', 'odd', 'help', 'bogus', 'IP', 'Work_Dir'];
const values = ['', '1', '0', 'true', 'false', '5secs', '1.5mins', '5sex', '64MB', '1.5GB', '{}', '[]', '{', 'file:///a', 'file:///missing', '-1', '70000', ' 7 ', '=', 'é', '\n'];

const flagArg = fc.tuple(fc.constantFrom('--', '--no-', '-', '', ' --'), fc.constantFrom(...names), fc.option(fc.constantFrom(...values), { nil: undefined })).map(
  ([dash, name, value]) => (value === undefined ? `${dash}${name}` : `${dash}${name}=${value}`),
);
const arg = fc.oneof(flagArg, fc.string(), fc.constant('--'));
const envKey = fc.oneof(fc.constantFrom(...names).map((n) => `MESOS_${n.toUpperCase()}`), fc.constantFrom('MESOS_no-quiet', 'MESOS_', 'PATH'), fc.string());
const env = fc.dictionary(envKey, fc.oneof(fc.constantFrom(...values), fc.string()));
const files: Record<string, string> = { '/a': '42' };
const readFile = (path: string): string => {
  const text = files[path];
  if (text === undefined) throw Object.assign(new Error('gone'), { code: 'ENOENT' });
  return text;
};

describe('parseFlags (property)', () => {
  it('never throws, and either loads every flag or explains itself', () => {
    fc.assert(
      fc.property(fc.array(arg, { maxLength: 8 }), env, fc.boolean(), fc.boolean(), (argv, environment, allowUnknown, allowDuplicates) => {
        const r = parseFlags(spec, { argv, env: environment, readFile, allowUnknown, allowDuplicates });
        if (r.ok) {
          expect(typeof r.value.flags.work_dir).toBe('string');
          expect(typeof r.value.flags.port).toBe('number');
        } else {
          expect(r.error).toBeInstanceOf(FlagsError);
          expect(r.error.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts any flag given once with a valid value, from argv or env', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0, max: 65535 }), fc.boolean(), (dir, port, viaEnv) => {
        const argv = [`--work_dir=${dir}`];
        const r = viaEnv
          ? parseFlags(spec, { argv, env: { MESOS_PORT: String(port) }, readFile })
          : parseFlags(spec, { argv: [...argv, `--port=${port}`], readFile });
        // A value is trimmed only as part of its whole argument, like stout.
        expect(r.ok && r.value.flags.port).toBe(port);
      }),
    );
  });
});

describe('durations and bytes (property)', () => {
  it('format then parse is within 15 significant digits for any nanosecond count (stout prints no more)', () => {
    // stout steps down at most one unit (5367secs prints as 1.49083333333333hrs), so text can be lossy.
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 53n }), (nanos) => {
        const millis = Number(nanos) / 1e6;
        const again = parseDuration(formatDuration(millis));
        if (!again.ok) throw again.error;
        // 15 significant digits, plus the whole nanoseconds stout keeps (parsing truncates below 1 ns).
        expect(Math.abs(again.value - millis)).toBeLessThanOrEqual(millis * 1e-14 + 2e-6);
      }),
    );
  });

  it('parse never throws on any text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        parseDuration(text);
        parseBytes(text);
      }),
    );
  });

  it('format then parse gives back the byte count', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (bytes) => {
        expect(parseBytes(formatBytes(bytes))).toEqual({ ok: true, value: bytes });
      }),
    );
  });
});
