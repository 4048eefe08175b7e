import { err, ok, type Result } from '@mesos-ts/errors';
import { customFlag, defineFlags, FlagsError, parseFlags, type ParseFlagsOptions } from './index';

const spec = defineFlags({
  ip: { type: 'string', help: 'IP address to listen on.' },
  port: { type: 'integer', help: 'Port to listen on.', default: 5050, min: 0, max: 65535 },
  work_dir: { type: 'string', help: 'Where the master keeps its state.' },
  allocation_interval: { type: 'duration', help: 'Time between batch allocations.', default: 1000 },
  offer_timeout: { type: 'duration', help: 'How long an offer may stay outstanding.' },
  hostname_lookup: { type: 'boolean', help: 'Look up the hostname.', default: true },
  authenticate_frameworks: { type: 'boolean', help: 'Only authenticated frameworks may register.', default: false },
  max_size: { type: 'bytes', help: 'A size.', default: 64 * 1024 * 1024 },
  fraction: { type: 'number', help: 'A number.' },
  weights: { type: 'json', help: 'Role weights.', jsonType: 'object' },
  agent_reregister_timeout: {
    type: 'duration',
    help: 'Time an agent has to reregister.',
    default: 600_000,
    alias: { name: 'slave_reregister_timeout', deprecated: true },
  },
});

const noEnv: ParseFlagsOptions = { envPrefix: null };

function load(argv: readonly string[], options: ParseFlagsOptions = noEnv) {
  const r = parseFlags(spec, { ...options, argv });
  if (!r.ok) throw r.error;
  return r.value;
}

function failure(argv: readonly string[], options: ParseFlagsOptions = noEnv): FlagsError {
  const r = parseFlags(spec, { ...options, argv });
  if (r.ok) throw new Error(`expected ${JSON.stringify(argv)} to fail`);
  expect(r.error).toBeInstanceOf(FlagsError);
  expect(r.error.code).toBe('INVALID_ARGUMENT');
  expect(r.error.httpStatus).toBe(400);
  return r.error;
}

describe('parseFlags: command-line syntax', () => {
  it('fills in defaults and leaves optional flags undefined', () => {
    const { flags, sources } = load([]);
    expect(flags).toEqual({
      agent_reregister_timeout: 600_000,
      allocation_interval: 1000,
      authenticate_frameworks: false,
      fraction: undefined,
      help: false,
      hostname_lookup: true,
      ip: undefined,
      max_size: 64 * 1024 * 1024,
      offer_timeout: undefined,
      port: 5050,
      weights: undefined,
      work_dir: undefined,
    });
    expect(sources).toEqual({
      agent_reregister_timeout: 'default',
      allocation_interval: 'default',
      authenticate_frameworks: 'default',
      help: 'default',
      hostname_lookup: 'default',
      max_size: 'default',
      port: 'default',
    });
  });

  it('reads --name=value for every type', () => {
    const { flags, sources } = load([
      '--ip=10.0.0.1',
      '--port=5051',
      '--work_dir=/var/lib/mesos',
      '--allocation_interval=500ms',
      '--offer_timeout=1mins',
      '--max_size=1GB',
      '--fraction=0.25',
      '--weights={"a":2}',
    ]);
    expect(flags).toMatchObject({
      ip: '10.0.0.1',
      port: 5051,
      work_dir: '/var/lib/mesos',
      allocation_interval: 500,
      offer_timeout: 60_000,
      max_size: 1024 ** 3,
      fraction: 0.25,
      weights: { a: 2 },
    });
    expect(sources.ip).toBe('argv');
  });

  it('keeps everything after the first = and allows empty strings', () => {
    expect(load(['--work_dir=a=b=c']).flags.work_dir).toBe('a=b=c');
    expect(load(['--work_dir=']).flags.work_dir).toBe('');
  });

  it('does not read a value given after a space: the flag has none and the word is positional', () => {
    expect(failure(['--port', '5050']).message).toBe("Failed to load non-boolean flag 'port': Missing value");
    const { flags, positional } = load(['--hostname_lookup', 'false']);
    expect(flags.hostname_lookup).toBe(true);
    expect(positional).toEqual(['false']);
  });

  it('lower-cases names, trims arguments and stops at --', () => {
    const { flags, positional } = load(['  --IP=1.2.3.4\n', 'extra', '--', '--port=1', 'tail']);
    expect(flags.ip).toBe('1.2.3.4');
    expect(flags.port).toBe(5050);
    expect(positional).toEqual(['extra', '--port=1', 'tail']);
  });

  it('does not treat single-dash arguments as flags', () => {
    expect(load(['-port=1']).positional).toEqual(['-port=1']);
  });
});

describe('parseFlags: booleans', () => {
  it.each([
    [['--authenticate_frameworks'], true],
    [['--authenticate_frameworks='], true],
    [['--authenticate_frameworks=true'], true],
    [['--authenticate_frameworks=1'], true],
    [['--authenticate_frameworks=false'], false],
    [['--authenticate_frameworks=0'], false],
    [['--no-authenticate_frameworks'], false],
    [['--no-authenticate_frameworks='], false],
  ])('%j gives %s', (argv, expected) => {
    expect(load(argv).flags.authenticate_frameworks).toBe(expected);
  });

  it('turns a default-true flag off with --no-', () => {
    expect(load(['--no-hostname_lookup']).flags.hostname_lookup).toBe(false);
  });

  it('rejects other spellings with stout’s messages', () => {
    expect(failure(['--hostname_lookup=yes']).message).toBe(
      "Failed to load flag 'hostname_lookup': Failed to load value 'yes': Expecting a boolean (e.g., true or false)",
    );
    expect(failure(['--hostname_lookup=TRUE']).message).toContain('Expecting a boolean');
    expect(failure(['--no-hostname_lookup=false']).message).toBe(
      "Failed to load boolean flag 'hostname_lookup' via 'no-hostname_lookup' with value 'false'",
    );
  });

  it('refuses --no- on a non-boolean flag', () => {
    expect(failure(['--no-port']).message).toBe("Failed to load non-boolean flag 'port' via 'no-port'");
  });
});

describe('parseFlags: bad values name the flag and the value', () => {
  it.each([
    [
      '--allocation_interval=5sex',
      "Failed to load flag 'allocation_interval': Failed to load value '5sex': Unknown duration unit 'sex'; supported units are 'ns', 'us', 'ms', 'secs', 'mins', 'hrs', 'days', and 'weeks'",
    ],
    ['--offer_timeout=5', "Failed to load flag 'offer_timeout': Failed to load value '5': Invalid duration '5'"],
    ['--max_size=1.5GB', "Failed to load flag 'max_size': Failed to load value '1.5GB': Fractional bytes '1.5GB'"],
    ['--max_size=12XB', "Failed to load flag 'max_size': Failed to load value '12XB': Unknown bytes unit 'XB'"],
    ['--port=50x', "Failed to load flag 'port': Failed to load value '50x': Failed to convert into required type"],
    ['--port=70000', "Failed to load flag 'port': Failed to load value '70000': Failed to convert into required type"],
    ['--port=-1', "Failed to load flag 'port': Failed to load value '-1': Failed to convert into required type"],
    ['--port=0x10', "Failed to load flag 'port': Failed to load value '0x10': Failed to convert into required type"],
    ['--port=', "Failed to load flag 'port': Failed to load value '': Failed to convert into required type"],
    ['--fraction=1/2', "Failed to load flag 'fraction': Failed to load value '1/2': Failed to convert into required type"],
    ['--weights=[1]', "Failed to load flag 'weights': Failed to load value '[1]': Unexpected JSON type parsed"],
  ])('%s', (arg, message) => {
    const e = failure([arg]);
    expect(e.message).toBe(message);
    expect(e.flag).toBe(arg.slice(2, arg.indexOf('=')));
  });

  it('accepts what istream accepts for numbers', () => {
    expect(load(['--port=+80']).flags.port).toBe(80);
    expect(load(['--port= 80']).flags.port).toBe(80);
    expect(load(['--fraction=1e-3']).flags.fraction).toBe(0.001);
    expect(load(['--fraction=-.5']).flags.fraction).toBe(-0.5);
  });

  it('reports malformed JSON', () => {
    expect(failure(['--weights={']).message).toMatch(/^Failed to load flag 'weights': Failed to load value '\{': Failed to parse JSON: /);
  });
});

describe('parseFlags: unknown, duplicate and required flags', () => {
  it('rejects unknown flags, naming the --no- form when used', () => {
    expect(failure(['--bogus=1']).message).toBe("Failed to load unknown flag 'bogus'");
    expect(failure(['--no-bogus']).message).toBe("Failed to load unknown flag 'bogus' via 'no-bogus'");
  });

  it('skips unknown flags when told to', () => {
    const r = parseFlags(spec, { argv: ['--bogus=1', '--port=1'], allowUnknown: true });
    expect(r.ok && r.value.flags.port).toBe(1);
  });

  it('rejects a flag given twice, also through its alias or as --no-', () => {
    expect(failure(['--port=1', '--port=2']).message).toBe("Flag 'port' is already loaded via name 'port'");
    expect(failure(['--agent_reregister_timeout=1secs', '--slave_reregister_timeout=2secs']).message).toBe(
      "Flag 'slave_reregister_timeout' is already loaded via name 'agent_reregister_timeout'",
    );
    expect(failure(['--hostname_lookup', '--no-hostname_lookup']).message).toBe(
      "Flag 'hostname_lookup' is already loaded via name 'hostname_lookup'",
    );
  });

  it('lets the last occurrence win when duplicates are allowed', () => {
    const r = parseFlags(spec, { argv: ['--port=1', '--port=2'], allowDuplicates: true });
    expect(r.ok && r.value.flags.port).toBe(2);
  });

  it('loads deprecated aliases with a warning', () => {
    const { flags, warnings } = load(['--slave_reregister_timeout=15mins']);
    expect(flags.agent_reregister_timeout).toBe(900_000);
    expect(warnings).toEqual(["Loaded deprecated flag 'slave_reregister_timeout'"]);
    expect(load(['--agent_reregister_timeout=15mins']).warnings).toEqual([]);
  });

  it('reports a missing required flag', () => {
    const required = defineFlags({ work_dir: { type: 'string', help: 'Work directory.', required: true } });
    const r = parseFlags(required, { argv: [] });
    expect(!r.ok && r.error.message).toBe("Flag 'work_dir' is required, but it was not provided");
    expect(!r.ok && r.error.flag).toBe('work_dir');
    const given = parseFlags(required, { argv: ['--work_dir=/w'] });
    expect(given.ok && given.value.flags.work_dir).toBe('/w');
  });

  it('reports the first error in name order, as stout does', () => {
    expect(failure(['--port=x', '--allocation_interval=x']).flag).toBe('allocation_interval');
    expect(failure(['--zzz', '--aaa']).message).toBe("Failed to load unknown flag 'aaa'");
  });
});

describe('parseFlags: environment', () => {
  it('reads MESOS_<NAME> and MESOS_<name> for known flags', () => {
    const { flags, sources } = load([], {
      env: { MESOS_IP: '10.1.1.1', MESOS_port: '6000', MESOS_NO_SUCH: 'x', MESOS_OFFER_TIMEOUT: '30secs', PATH: '/bin' },
    });
    expect(flags).toMatchObject({ ip: '10.1.1.1', port: 6000, offer_timeout: 30_000 });
    expect(sources).toMatchObject({ ip: 'env', port: 'env', offer_timeout: 'env' });
  });

  it('lets the command line override the environment', () => {
    const { flags, sources } = load(['--port=7000'], { env: { MESOS_PORT: '6000' } });
    expect(flags.port).toBe(7000);
    expect(sources.port).toBe('argv');
  });

  it('ignores unknown MESOS_ variables even when unknown flags are errors', () => {
    expect(load([], { env: { MESOS_BOGUS: '1' } }).flags.port).toBe(5050);
  });

  it('reports bad environment values like command-line ones', () => {
    expect(failure([], { env: { MESOS_ALLOCATION_INTERVAL: '5sex' } }).message).toMatch(
      /^Failed to load flag 'allocation_interval': Failed to load value '5sex': Unknown duration unit/,
    );
  });

  it('treats an empty boolean variable as true, and MESOS_no-name as the negation', () => {
    expect(load([], { env: { MESOS_AUTHENTICATE_FRAMEWORKS: '' } }).flags.authenticate_frameworks).toBe(true);
    expect(load([], { env: { 'MESOS_no-hostname_lookup': '' } }).flags.hostname_lookup).toBe(false);
  });

  it('uses the configured prefix, or none at all', () => {
    expect(load([], { env: { MESOS_PORT: '1', AGENT_PORT: '2' }, envPrefix: 'AGENT_' }).flags.port).toBe(2);
    expect(load([], { env: { MESOS_PORT: '1' }, envPrefix: null }).flags.port).toBe(5050);
    expect(parseFlags(spec, { env: { MESOS_PORT: '1' } })).toMatchObject({ ok: true, value: { flags: { port: 1 } } });
  });

  it('sees a flag set both ways under different names as a duplicate, as stout does', () => {
    expect(failure(['--hostname_lookup'], { env: { 'MESOS_no-hostname_lookup': '' } }).message).toBe(
      "Flag 'hostname_lookup' is already loaded via name 'hostname_lookup'",
    );
  });
});

describe('parseFlags: file:// values', () => {
  const files: Record<string, string> = {
    '/etc/mesos/ip': '10.2.2.2',
    '/etc/mesos/port': '5052\n',
    '/etc/mesos/weights.json': '{ "dev": 2.5 }\n',
    '/etc/mesos/interval': '2secs',
  };
  const readFile = (path: string): string => {
    const content = files[path];
    if (content === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
    return content;
  };

  it('reads the value from the file, from argv and env alike', () => {
    const { flags } = load(['--ip=file:///etc/mesos/ip', '--weights=file:///etc/mesos/weights.json'], {
      readFile,
      env: { MESOS_ALLOCATION_INTERVAL: 'file:///etc/mesos/interval' },
    });
    expect(flags).toMatchObject({ ip: '10.2.2.2', weights: { dev: 2.5 }, allocation_interval: 2000 });
  });

  it('does not trim the content: a trailing newline makes an integer invalid', () => {
    expect(failure(['--port=file:///etc/mesos/port'], { readFile }).message).toBe(
      "Failed to load flag 'port': Failed to load value 'file:///etc/mesos/port': Failed to convert into required type",
    );
  });

  it('reports a file that cannot be read', () => {
    expect(failure(['--ip=file:///nope'], { readFile }).message).toBe(
      "Failed to load flag 'ip': Failed to load value 'file:///nope': Error reading file '/nope': No such file or directory",
    );
    const odd = (): string => {
      throw new Error('disk on fire');
    };
    expect(failure(['--ip=file:///x'], { readFile: odd }).message).toContain("Error reading file '/x': disk on fire");
  });

  it('reads the real file system by default', () => {
    const path = `${__dirname}/../package.json`;
    const r = parseFlags(defineFlags({ pkg: { type: 'json', help: 'x' } }), { argv: [`--pkg=file://${path}`] });
    expect(r.ok && (r.value.flags.pkg as { name: string }).name).toBe('@mesos-ts/flags');
  });

  it('leaves file:// alone for flags that opt out', () => {
    const paths = defineFlags({ path: { type: 'string', help: 'A path.', fetch: false } });
    const r = parseFlags(paths, { argv: ['--path=file:///etc/x'], readFile });
    expect(r.ok && r.value.flags.path).toBe('file:///etc/x');
  });
});

describe('parseFlags: custom types and validators', () => {
  const roles = customFlag({
    help: 'Comma-separated roles.',
    parse: (text: string) => (text.split(',').every((r) => r.length > 0) ? ok(text.split(',')) : err(`Empty role in '${text}'`)),
    format: (value: string[]) => value.join(','),
    default: ['*'],
    validate: (value: string[]) => (value.includes('') ? 'never' : undefined),
  });
  const custom = defineFlags({
    roles,
    quorum: {
      type: 'integer',
      help: 'Replicated log quorum.',
      validate: (n: number) => (n < 1 ? 'Expected --quorum to be at least 1' : undefined),
    },
  });

  it('parses with the custom parser and reports its error', () => {
    const r = parseFlags(custom, { argv: ['--roles=a,b'] });
    expect(r.ok && r.value.flags.roles).toEqual(['a', 'b']);
    const bad = parseFlags(custom, { argv: ['--roles=a,,b'] });
    expect(!bad.ok && bad.error.message).toBe("Failed to load flag 'roles': Failed to load value 'a,,b': Empty role in 'a,,b'");
  });

  it('turns a throwing parser or validator into an error', () => {
    const throwing = defineFlags({
      x: customFlag({
        help: 'x',
        parse: (): Result<number, string> => {
          throw new Error('boom');
        },
      }),
      y: {
        type: 'string',
        help: 'y',
        validate: (): string | undefined => {
          throw new Error('bang');
        },
      },
    });
    const a = parseFlags(throwing, { argv: ['--x=1'] });
    expect(!a.ok && a.error.message).toBe("Failed to load flag 'x': Failed to load value '1': boom");
    const b = parseFlags(throwing, { argv: ['--y=1'] });
    expect(!b.ok && b.error.message).toBe('bang');
  });

  it('returns a validator’s message as it is, and skips validators of unset flags', () => {
    const r = parseFlags(custom, { argv: ['--quorum=0'] });
    expect(!r.ok && r.error.message).toBe('Expected --quorum to be at least 1');
    expect(!r.ok && r.error.flag).toBe('quorum');
    expect(parseFlags(custom, { argv: [] }).ok).toBe(true);
  });
});

describe('parseFlags: --help', () => {
  it('is a boolean every flag set has', () => {
    expect(load(['--help']).flags.help).toBe(true);
    expect(load([], { env: { MESOS_HELP: 'true' } }).flags.help).toBe(true);
  });

  it('marks errors when help was asked for', () => {
    expect(failure(['--help', '--bogus']).helpRequested).toBe(true);
    expect(failure(['--bogus']).helpRequested).toBe(false);
    expect(failure(['--help=maybe', '--bogus']).helpRequested).toBe(false);
    expect(failure(['--no-help', '--bogus']).helpRequested).toBe(false);
  });
});

describe('defineFlags', () => {
  it.each([
    [{ help: { type: 'boolean', help: 'mine' } }, "Attempted to add flag 'help', which every flag set already has"],
    [{ 'no-x': { type: 'string', help: '' } }, "Attempted to add flag 'no-x' that starts with the reserved 'no-' prefix"],
    [{ x: { type: 'string', help: '', alias: 'x' } }, "Attempted to add flag 'x' with an alias that is same as the flag name"],
    [{ x: { type: 'string', help: '' }, y: { type: 'string', help: '', alias: 'x' } }, "Attempted to add duplicate flag 'x'"],
    [{ X: { type: 'string', help: '' } }, "Attempted to add flag 'X': names are lower-case"],
    [{ x: { type: 'string', help: '', required: true, default: 'a' } }, 'both required and has a default'],
  ] as const)('refuses %j', (bad, message) => {
    expect(() => defineFlags(bad)).toThrow(message);
  });
});
