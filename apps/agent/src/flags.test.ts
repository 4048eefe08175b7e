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

  it("has Mesos's defaults for the containerizer flags", () => {
    const r = parse(['--work_dir=/var/lib/mesos', '--master=10.0.0.1:5050']);
    if (!r.ok) throw r.error;
    expect(r.value.flags).toMatchObject({
      cgroups_root: 'mesos',
      cgroups_enable_cfs: false,
      docker_registry: 'https://registry-1.docker.io',
      docker_store_dir: '/tmp/mesos/store/docker',
      docker_socket: '/var/run/docker.sock',
      sandbox_directory: '/mnt/mesos/sandbox',
      fetcher_cache_dir: '/tmp/mesos/fetch',
      fetcher_cache_size: 2 * 1024 * 1024 * 1024,
      fetcher_stall_timeout: 60_000,
      enforce_container_disk_quota: false,
      container_disk_watch_interval: 15_000,
    });
    // Decided at start (Mesos: linux when root with the freezer cgroup), or by the backend/registry in use.
    for (const unset of ['launcher', 'image_provisioner_backend', 'docker_config', 'frameworks_home', 'nvidia_gpu_devices'] as const) {
      expect(r.value.flags[unset]).toBeUndefined();
    }
  });

  it('reads the containerizer flags', () => {
    const r = parse([
      '--work_dir=/w',
      '--master=m:5050',
      '--containerizers=docker,mesos',
      '--isolation=cgroups/cpu,cgroups/mem,namespaces/pid,filesystem/linux,disk/du',
      '--launcher=linux',
      '--cgroups_root=mesos-test/a',
      '--cgroups_enable_cfs',
      '--docker_registry=/tmp/images',
      '--image_provisioner_backend=copy',
      '--docker_config={"auths":{}}',
      '--fetcher_cache_size=100MB',
      '--frameworks_home=/opt/fw',
      '--enforce_container_disk_quota',
      '--container_disk_watch_interval=2secs',
      '--sandbox_directory=/sandbox',
    ]);
    if (!r.ok) throw r.error;
    expect(r.value.flags).toMatchObject({
      containerizers: 'docker,mesos',
      launcher: 'linux',
      cgroups_root: 'mesos-test/a',
      cgroups_enable_cfs: true,
      docker_registry: '/tmp/images',
      image_provisioner_backend: 'copy',
      docker_config: '{"auths":{}}',
      fetcher_cache_size: 100 * 1024 * 1024,
      frameworks_home: '/opt/fw',
      enforce_container_disk_quota: true,
      container_disk_watch_interval: 2_000,
      sandbox_directory: '/sandbox',
    });
    expect(validateAgentFlags(r.value.flags)).toBeUndefined();
  });

  it.each([
    [['--isolation=namespaces/pid', '--launcher=posix'], "Isolator 'namespaces/pid' in --isolation needs the linux launcher"],
    [['--isolation=filesystem/linux', '--launcher=posix'], "Isolator 'filesystem/linux' in --isolation needs the linux launcher"],
    [['--nvidia_gpu_devices=0,1'], "Flag '--nvidia_gpu_devices' needs 'gpu/nvidia' in --isolation"],
  ])('validateAgentFlags rejects %j', (argv, message) => {
    const r = parse(['--work_dir=/w', '--master=m:5050', ...argv]);
    if (!r.ok) throw r.error;
    expect(validateAgentFlags(r.value.flags)).toBe(message + (message.startsWith('Isolator') ? `; use --launcher=linux (not --launcher=posix)` : ''));
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
    [['--containerizers=mesos,rkt'], "Unknown containerizer 'rkt' in --containerizers='mesos,rkt'; expected a comma-separated list of 'mesos', 'docker'"],
    [['--containerizers=mesos,mesos'], "Duplicate entries in --containerizers='mesos,mesos'"],
    [['--isolation=cgroups/cpu,cgroups/bogus'], "Unknown isolator 'cgroups/bogus' in --isolation='cgroups/cpu,cgroups/bogus'; known: posix/cpu"],
    [['--launcher=windows'], "Invalid --launcher 'windows'; expected 'linux' or 'posix'"],
    [['--cgroups_root=../x'], "Invalid --cgroups_root '../x'"],
    [['--docker_store_dir=relative'], "Expected --docker_store_dir to be an absolute path, got 'relative'"],
    [['--docker_registry=ftp://x'], "Invalid --docker_registry 'ftp://x'"],
    [['--image_provisioner_backend=aufs'], "Invalid --image_provisioner_backend 'aufs'; expected one of 'overlay', 'copy'"],
    [['--docker_socket=docker.sock'], "Expected --docker_socket to be an absolute path, got 'docker.sock'"],
    [['--docker_config={nope'], 'Invalid JSON in --docker_config'],
    [['--docker_config=[1]'], 'Expected --docker_config to be a JSON object'],
    [['--sandbox_directory=mnt'], "Expected --sandbox_directory to be an absolute path, got 'mnt'"],
    [['--fetcher_cache_dir=fetch'], "Expected --fetcher_cache_dir to be an absolute path, got 'fetch'"],
    [['--fetcher_cache_size=lots'], "Failed to load flag 'fetcher_cache_size'"],
    [['--container_disk_watch_interval=0secs'], 'Expected --container_disk_watch_interval to be positive'],
    [['--nvidia_gpu_devices=0,x'], "Invalid --nvidia_gpu_devices '0,x'"],
    [['--cgroups_enable_cfs=maybe'], "Failed to load flag 'cgroups_enable_cfs'"],
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
