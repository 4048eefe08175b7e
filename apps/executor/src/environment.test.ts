import { parseFlags } from '@mesos-ts/flags';
import { readExecutorEnvironment } from './environment';
import { commandExecutorFlagSpec, defaultExecutorFlagSpec } from './flags';

const base = { MESOS_AGENT_ENDPOINT: '127.0.0.1:5051', MESOS_FRAMEWORK_ID: 'fw', MESOS_EXECUTOR_ID: 'ex' };

describe('readExecutorEnvironment', () => {
  it('reads the client settings, the shutdown grace period and the sandbox', () => {
    const r = readExecutorEnvironment({ ...base, MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: '10secs', MESOS_SANDBOX: '/sandbox', MESOS_CHECKPOINT: '1' });
    expect(r).toMatchObject({ ok: true, value: { shutdownGracePeriodMs: 10_000, sandbox: '/sandbox', client: { agentEndpoint: '127.0.0.1:5051', checkpoint: true } } });
    expect(readExecutorEnvironment({ ...base, MESOS_DIRECTORY: '/dir' })).toMatchObject({ ok: true, value: { shutdownGracePeriodMs: 5000, sandbox: '/dir' } });
  });

  it('names a bad or missing variable', () => {
    const bad = readExecutorEnvironment({ ...base, MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: 'soon' });
    expect(bad.ok ? '' : bad.error.message).toBe("Failed to parse value 'soon' of 'MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD': Failed to convert '' to number");
    const noSandbox = readExecutorEnvironment(base, { requireSandbox: true });
    expect(noSandbox.ok ? '' : noSandbox.error.message).toBe("Expecting 'MESOS_SANDBOX' to be set in the environment");
    const noId = readExecutorEnvironment({ ...base, MESOS_FRAMEWORK_ID: undefined });
    expect(noId.ok ? '' : noId.error.message).toBe("Expecting 'MESOS_FRAMEWORK_ID' to be set in the environment");
  });
});

describe('flags', () => {
  it('reads --task_command and --task_environment as JSON messages', () => {
    const r = parseFlags(commandExecutorFlagSpec, {
      argv: ['--task_command={"value":"echo hi","environment":{"variables":[{"name":"A","value":"b"}]}}', '--task_environment={"variables":[{"name":"X","value":"1"}]}', '--launcher_dir=/usr/libexec/mesos'],
      envPrefix: null,
    });
    if (!r.ok) throw r.error;
    expect(r.value.flags.task_command).toEqual({ value: 'echo hi', environment: { variables: [{ name: 'A', value: 'b' }] } });
    expect(r.value.flags.task_environment).toEqual({ variables: [{ name: 'X', value: '1' }] });
    expect(r.value.flags.logging_level).toBe('INFO');
  });

  it('reads --rootfs and --launch_info, as the Mesos containerizer passes them for a command task with an image', () => {
    const info = { mounts: [{ source: '/sandbox', target: '/rootfs/mnt/mesos/sandbox', recursive: true }], unshare: '/usr/bin/unshare', mount: '/bin/mount', busybox: '/bin/busybox' };
    const r = parseFlags(commandExecutorFlagSpec, { argv: ['--rootfs=/rootfs', `--launch_info=${JSON.stringify(info)}`, '--working_directory=/opt'], envPrefix: null });
    if (!r.ok) throw r.error;
    expect(r.value.flags.rootfs).toBe('/rootfs');
    expect(r.value.flags.launch_info).toEqual(info);
    expect(r.value.flags.working_directory).toBe('/opt');
  });

  it('refuses bad JSON, a bad --launch_info, unknown flags and unknown logging levels', () => {
    const message = (argv: string[], spec: typeof commandExecutorFlagSpec | typeof defaultExecutorFlagSpec = commandExecutorFlagSpec): string => {
      const r = parseFlags(spec, { argv, envPrefix: null });
      return r.ok ? '' : r.error.message;
    };
    expect(message(['--task_command={nope'])).toContain("Failed to parse JSON of '--task_command'");
    expect(message(['--task_command={"value":3}'])).toContain("Failed to parse '--task_command'");
    expect(message(['--launch_info=['])).toContain("Failed to parse JSON of '--launch_info'");
    expect(message(['--launch_info={"mounts":[],"unshare":"unshare","mount":"/bin/mount","busybox":"/bin/busybox"}'])).toContain("'unshare' must be an absolute path, not \"unshare\"");
    expect(message(['--launch_info={"mounts":{},"unshare":"/u","mount":"/m","busybox":"/b"}'])).toContain("'mounts' must be an array");
    expect(message(['--launch_info={"mounts":[{"source":"proc","target":"rel"}],"unshare":"/u","mount":"/m","busybox":"/b"}'])).toContain("mounts[0] needs a string 'source' and an absolute 'target'");
    expect(message(['--launch_info={"mounts":[{"source":"a","target":"/b","readOnly":"yes"}],"unshare":"/u","mount":"/m","busybox":"/b"}'])).toContain('mounts[0].readOnly must be a boolean');
    expect(message(['--logging_level=DEBUG'], defaultExecutorFlagSpec)).toContain("'DEBUG' is not a valid value for --logging_level");
    expect(message(['--user=bob'], defaultExecutorFlagSpec)).toBe("Failed to load unknown flag 'user'");
  });
});
