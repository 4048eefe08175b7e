import { createServer } from 'node:net';
import { runCli, type CliContext } from './index';

async function cli(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const context: CliContext = {
    env,
    stdout: { write: (t) => void (out.stdout += t) },
    stderr: { write: (t) => void (out.stderr += t) },
    user: 'tester',
    readFile: () => {
      throw new Error('ENOENT');
    },
  };
  const code = await runCli(argv, context);
  return { code, ...out };
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('mesos (program)', () => {
  it('prints help with the commands and exits 0', async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: mesos \[options\] \[command\]/);
    expect(run.stdout).toContain('execute [options]');
    expect(run.stdout).toContain('MESOS_MASTER');
    expect(run.stderr).toBe('');
  });

  it('prints the version', async () => {
    const run = await cli(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('prints help for execute with every mesos-execute flag we take', async () => {
    const run = await cli(['execute', '--help']);
    expect(run.code).toBe(0);
    for (const flag of ['--master', '--name', '--command', '--shell', '--env', '--resources', '--task', '--task_group', '--role', '--framework_name', '--checkpoint', '--docker_image', '--kill_after', '--content_type', '--framework_capabilities']) {
      expect(run.stdout).toContain(flag);
    }
    expect(run.stdout).toContain('"cpus:1;mem:128"');
    expect(run.stdout).toContain('Examples:');
  });

  it('shows the help on stderr and exits 1 without a command', async () => {
    const run = await cli([]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Usage: mesos/);
  });

  it.each<[string, string[], string]>([
    ['an unknown command', ['exec'], "mesos: unknown command 'exec' (Did you mean execute?) (see 'mesos --help')\n"],
    ['an unknown option', ['execute', '--nmae=x'], "mesos execute: unknown option '--nmae=x' (Did you mean --name?) (see 'mesos execute --help')\n"],
    ['a missing option value', ['execute', '--master'], "mesos execute: option '--master <host:port>' argument missing (see 'mesos execute --help')\n"],
    ['a bad boolean', ['execute', '--shell=maybe'], "mesos execute: option '--shell [bool]' argument 'maybe' is invalid. expected true or false, got 'maybe'. (see 'mesos execute --help')\n"],
    ['a positional argument', ['execute', 'echo'], "mesos execute: too many arguments for 'execute'. Expected 0 arguments but got 1. (see 'mesos execute --help')\n"],
    ['no master', ['execute', '--name=a', '--command=b'], "mesos execute: --master is required (HOST:PORT), or set MESOS_MASTER (see 'mesos execute --help')\n"],
    ['no name', ['execute', '--master=m:1'], "mesos execute: Missing required option --name (see 'mesos execute --help')\n"],
    ['bad resources', ['execute', '--master=m:1', '--name=a', '--command=b', '--resources=cpus:x'], "mesos execute: Failed to parse resources 'cpus:x': "],
    ['a bad duration', ['execute', '--master=m:1', '--name=a', '--command=b', '--kill_after=soon'], "mesos execute: --kill_after 'soon': "],
    ['a bad containerizer', ['execute', '--containerizer=lxc'], "mesos execute: option '--containerizer <name>' argument 'lxc' is invalid. Allowed choices are mesos, docker. (see 'mesos execute --help')\n"],
  ])('prints one line and exits 1 for %s', async (_, argv, line) => {
    const run = await cli(argv);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.startsWith(line)).toBe(true);
    expect(run.stderr.split('\n')).toHaveLength(2);
  });

  it('prints one line and exits 1 when the master cannot be reached (MESOS_MASTER)', async () => {
    const port = await closedPort();
    const run = await cli(['execute', '--name=a', '--command=b'], { MESOS_MASTER: `127.0.0.1:${port}` });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`mesos execute: cannot reach the master at 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n`);
  });

  it('accepts Mesos booleans in every form', async () => {
    // Each fails later on the master, which shows the flags themselves were accepted.
    for (const flag of ['--checkpoint', '--checkpoint=true', '--checkpoint=false', '--no-checkpoint', '--shell=0', '--no-partition_aware']) {
      const run = await cli(['execute', '--master=m:1', '--name=a', '--command=b', flag, '--master=127.0.0.1:1']);
      expect(run.stderr).toMatch(/^mesos execute: cannot reach the master at 127\.0\.0\.1:1/);
    }
  });
});
