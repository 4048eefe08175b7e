import { parseFlags, resolveCommandLine } from '@mesos-ts/flags';
import { flagsModel, masterFlagSpec, parseMinAllocatable, parseWeights } from './flags';

const load = (argv: string[], env: Record<string, string> = {}) => parseFlags(masterFlagSpec, { argv, env });

describe('master flags', () => {
  it("has Mesos's defaults", () => {
    const loaded = load([]);
    if (!loaded.ok) throw loaded.error;
    const f = loaded.value.flags;
    expect(f.port).toBe(5050);
    expect(f.ip).toBeUndefined();
    expect(f.allocation_interval).toBe(1000);
    expect(f.offer_timeout).toBeUndefined();
    expect(f.min_allocatable_resources.text).toBe('cpus:0.01|mem:32');
    expect(f.min_allocatable_resources.value).toHaveLength(2);
    expect(f.framework_sorter).toBe('drf');
    expect(f.role_sorter).toBe('drf');
    expect(f.agent_ping_timeout).toBe(15_000);
    expect(f.max_agent_ping_timeouts).toBe(5);
    expect(f.agent_reregister_timeout).toBe(600_000);
    expect(f.max_completed_frameworks).toBe(50);
    expect(f.max_completed_tasks_per_framework).toBe(1000);
    expect(f.logging_level).toBe('INFO');
    expect(flagsModel(f)).toEqual({
      agent_ping_timeout: '15secs',
      agent_reregister_timeout: '10mins',
      allocation_interval: '1secs',
      framework_sorter: 'drf',
      help: 'false',
      logging_level: 'INFO',
      max_agent_ping_timeouts: '5',
      max_completed_frameworks: '50',
      max_completed_tasks_per_framework: '1000',
      min_allocatable_resources: 'cpus:0.01|mem:32',
      port: '5050',
      role_sorter: 'drf',
    });
  });

  it('reads MESOS_PORT from the environment, and the command line wins', () => {
    const fromEnv = load([], { MESOS_PORT: '6060' });
    expect(fromEnv.ok && fromEnv.value.flags.port).toBe(6060);
    expect(fromEnv.ok && fromEnv.value.sources.port).toBe('env');
    const both = load(['--port=7070'], { MESOS_PORT: '6060' });
    expect(both.ok && both.value.flags.port).toBe(7070);
  });

  it('parses values and deprecated aliases', () => {
    const loaded = load([
      '--ip=127.0.0.1',
      '--allocation_interval=500ms',
      '--offer_timeout=1mins',
      '--weights=a=2,b=0.5',
      '--roles=a,b',
      '--min_allocatable_resources=disk:1|cpus:1;mem:32',
      '--user_sorter=random',
      '--slave_ping_timeout=30secs',
    ]);
    if (!loaded.ok) throw loaded.error;
    const f = loaded.value.flags;
    expect(f.allocation_interval).toBe(500);
    expect(f.offer_timeout).toBe(60_000);
    expect([...(f.weights?.value ?? [])]).toEqual([['a', 2], ['b', 0.5]]);
    expect(f.roles?.value).toEqual(['a', 'b']);
    expect(f.min_allocatable_resources.value).toHaveLength(2);
    expect(f.role_sorter).toBe('random');
    expect(f.agent_ping_timeout).toBe(30_000);
    expect(loaded.value.warnings.length).toBeGreaterThan(0);
    expect(flagsModel(f)['weights']).toBe('a=2,b=0.5');
    expect(flagsModel(f)['offer_timeout']).toBe('1mins');
  });

  it.each([
    [['--port=abc'], "Failed to load flag 'port': Failed to load value 'abc': Failed to convert into required type"],
    [['--port=70000'], "Failed to load flag 'port'"],
    [['--allocation_interval=5sex'], "Unknown duration unit 'sex'"],
    [['--allocation_interval=0secs'], 'Expected `--allocation_interval` to be positive'],
    [['--framework_sorter=fifo'], "Expected `--framework_sorter` to be one of: drf, random; got 'fifo'"],
    [['--logging_level=DEBUG'], "Expected `--logging_level` to be one of: INFO, WARNING, ERROR; got 'DEBUG'"],
    [['--agent_ping_timeout=1hrs'], 'Expected `--agent_ping_timeout` to be between 1secs and 15mins'],
    [['--max_agent_ping_timeouts=0'], 'Expected `--max_agent_ping_timeouts` to be at least 1'],
    [['--agent_reregister_timeout=5mins'], "Invalid value '5mins' for --agent_reregister_timeout: Must be at least 10mins"],
    [['--weights=a=-1'], "Invalid weight '-1' for role 'a': weights must be positive"],
    [['--min_allocatable_resources=cpus:x'], "Invalid resource quantities 'cpus:x'"],
    [['--ip=localhost'], "Expected `--ip` to be an IP address; got 'localhost'"],
    [['--prot=1'], "Failed to load unknown flag 'prot'"],
  ])('rejects %j', (argv, message) => {
    const loaded = load(argv);
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.error.message).toContain(message);
  });

  it('answers a bad flag as mesos-master does (exit 1, stderr, pointer to --help)', () => {
    const next = resolveCommandLine(masterFlagSpec, { programName: 'mesos-master', argv: ['--port=abc'], env: {} });
    expect(next).toEqual({
      action: 'exit',
      exitCode: 1,
      stream: 'stderr',
      text: "Failed to load flag 'port': Failed to load value 'abc': Failed to convert into required type\n\nSee `mesos-master --help` for a list of supported flags.\n",
    });
  });

  it('parses weights and quantity sets', () => {
    expect(parseWeights('a=1,a=2').ok).toBe(false);
    expect(parseWeights('nonsense').ok).toBe(false);
    expect(parseMinAllocatable('cpus:1|').ok).toBe(false);
  });
});
