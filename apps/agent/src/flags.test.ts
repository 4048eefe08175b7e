import { formatHelp, parseFlags, resolveCommandLine } from '@mesos-ts/flags';
import { agentFlags, validateAgentFlags } from './flags';

const parse = (argv: string[], env: Record<string, string> = {}) => parseFlags(agentFlags, { argv, env });

describe('agentFlags', () => {
  it("has Mesos's defaults", () => {
    const r = parse(['--work_dir=/var/lib/mesos', '--master=10.0.0.1:5050']);
    if (!r.ok) throw r.error;
    const f = r.value.flags;
    expect(f.port).toBe(5051);
    expect(f.containerizers).toBe('mesos');
    expect(f.isolation).toBe('posix/cpu,posix/mem');
    expect(f.executor_registration_timeout).toBe(60_000);
    expect(f.executor_shutdown_grace_period).toBe(5_000);
    expect(f.default_role).toBe('*');
    expect(f.switch_user).toBe(true);
    expect(f.registration_backoff_factor).toBe(1_000);
    expect(f.recovery_timeout).toBe(900_000);
    expect(f.launcher_dir).toBeUndefined(); // resolved at start: @mesos-ts/executor's dist
    expect(f.ip).toBeUndefined();
    expect(f.resources).toBeUndefined();
    expect(validateAgentFlags(f)).toBeUndefined();
  });

  it('reads values from the command line and MESOS_ variables', () => {
    const r = parse(['--work_dir=/w', '--no-switch_user', '--executor_registration_timeout=3mins', '--port=6000'], { MESOS_MASTER: 'm:5050', MESOS_IP: '127.0.0.1' });
    if (!r.ok) throw r.error;
    expect(r.value.flags).toMatchObject({ master: 'm:5050', ip: '127.0.0.1', switch_user: false, executor_registration_timeout: 180_000, port: 6000 });
  });

  it('requires --work_dir with stout\'s message', () => {
    const r = parse(['--master=m:5050']);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe("Flag 'work_dir' is required, but it was not provided");
  });

  it.each([
    [['--port=70000'], "Failed to load flag 'port'"],
    [['--ip=not-an-ip'], "Expected --ip to be an IPv4 address, got 'not-an-ip'"],
    [['--containerizers=mesos,rkt'], "Unknown or unsupported containerizer 'rkt'"],
    [['--containerizers=docker'], "Containerizer 'docker' in --containerizers='docker' is not supported yet; use --containerizers=mesos"],
    [['--registration_backoff_factor=x'], "Failed to load flag 'registration_backoff_factor'"],
    [['--recovery_timeout=0secs'], 'Expected --recovery_timeout to be positive'],
    [['--default_role=a b'], "Invalid --default_role 'a b'"],
    [['--executor_registration_timeout=0secs'], 'Expected --executor_registration_timeout to be positive'],
    [['--isolation=posix/cpu,,posix/mem'], 'without empty entries'],
  ])('rejects %j', (argv, message) => {
    const r = parse(['--work_dir=/w', ...argv]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain(message);
  });

  it.each([
    [undefined, 'Missing required option `--master`'],
    ['zk://h:2181/mesos', 'ZooKeeper master detection is not implemented yet'],
    ['localhost', "Invalid --master 'localhost': expected host:port"],
    ['h:0', 'expected host:port'],
  ])('validateAgentFlags rejects --master=%s', (master, message) => {
    const r = parse(['--work_dir=/w', ...(master === undefined ? [] : [`--master=${master}`])]);
    if (!r.ok) throw r.error;
    expect(validateAgentFlags(r.value.flags)).toContain(message);
  });

  it('accepts host:port masters', () => {
    for (const master of ['10.0.0.1:5050', 'master.example:5050', 'http://m:5050']) {
      const r = parse(['--work_dir=/w', `--master=${master}`]);
      if (!r.ok) throw r.error;
      expect(validateAgentFlags(r.value.flags)).toBeUndefined();
    }
  });

  it('prints help with the defaults', () => {
    const help = formatHelp(agentFlags, 'mesos-agent');
    expect(help).toContain('Usage: mesos-agent [options]');
    expect(help).toContain('(default: 5051)');
    expect(help).toContain('(default: 1mins)');
    expect(help).toContain('(default: 5secs)');
    const next = resolveCommandLine(agentFlags, { programName: 'mesos-agent', argv: ['--help'], env: {} });
    expect(next).toMatchObject({ action: 'exit', exitCode: 0, stream: 'stdout' });
  });
});
