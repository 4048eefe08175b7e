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

  it('refuses bad JSON, --rootfs, unknown flags and unknown logging levels', () => {
    const message = (argv: string[], spec: typeof commandExecutorFlagSpec | typeof defaultExecutorFlagSpec = commandExecutorFlagSpec): string => {
      const r = parseFlags(spec, { argv, envPrefix: null });
      return r.ok ? '' : r.error.message;
    };
    expect(message(['--task_command={nope'])).toContain("Failed to parse JSON of '--task_command'");
    expect(message(['--task_command={"value":3}'])).toContain("Failed to parse '--task_command'");
    expect(message(['--rootfs=/img'])).toContain('--rootfs=/img is not supported');
    expect(message(['--logging_level=DEBUG'], defaultExecutorFlagSpec)).toContain("'DEBUG' is not a valid value for --logging_level");
    expect(message(['--user=bob'], defaultExecutorFlagSpec)).toBe("Failed to load unknown flag 'user'");
  });
});
