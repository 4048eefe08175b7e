import { readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Environment_Variable_Type } from '@mesos-ts/proto';
import { Harness, eventually, readSandbox, running } from './support';

describe('PosixContainerizer launch and wait (real processes)', () => {
  let h: Harness;
  beforeEach(() => {
    h = new Harness();
  });
  afterEach(() => h.close());

  it('runs a shell command, writes its stdout to the sandbox and reports exit status 0', async () => {
    const config = await h.config({ value: 'echo hi' });
    const launched = await h.containerizer.launch(config);
    expect(launched.ok && launched.value.containerId).toBe(config.containerId);
    expect(launched.ok && launched.value.pid).toBeGreaterThan(1);
    const termination = await h.containerizer.wait(config.containerId);
    expect(termination).toEqual({ status: 0, exitCode: 0, message: 'Command exited with status 0' });
    expect(await readSandbox(config.sandbox, 'stdout')).toBe('hi\n');
    expect(await readSandbox(config.sandbox, 'stderr')).toBe('');
    expect(h.containerizer.containers()).toEqual([]);
  });

  it('reports a failing command with its wait(2) status and writes stderr', async () => {
    const config = await h.config({ value: 'echo oops >&2; exit 3' });
    await h.launch(config);
    expect(await h.containerizer.wait(config.containerId)).toEqual({
      status: 3 << 8,
      exitCode: 3,
      message: 'Command exited with status 3',
    });
    expect(await readSandbox(config.sandbox, 'stderr')).toBe('oops\n');
  });

  it('reports a command the shell cannot find as exit status 127', async () => {
    const config = await h.config({ value: 'no-such-command-for-sure' });
    await h.launch(config);
    expect((await h.containerizer.wait(config.containerId))?.exitCode).toBe(127);
    expect(await readSandbox(config.sandbox, 'stderr')).toMatch(/no-such-command-for-sure/);
  });

  it('reports death by a signal with the signal number and its description', async () => {
    const config = await h.config({ value: 'kill -TERM $$; sleep 5' });
    await h.launch(config);
    expect(await h.containerizer.wait(config.containerId)).toEqual({
      status: 15,
      signal: 'SIGTERM',
      message: 'Command terminated with signal Terminated',
    });
  });

  it('appends to existing stdout/stderr files', async () => {
    const sandbox = await h.sandbox();
    const first = await h.config({ value: 'echo one' }, { sandbox });
    await h.launch(first);
    await h.containerizer.wait(first.containerId);
    const second = await h.config({ value: 'echo two' }, { sandbox });
    await h.launch(second);
    await h.containerizer.wait(second.containerId);
    expect(await readSandbox(sandbox, 'stdout')).toBe('one\ntwo\n');
  });

  it('executes value with arguments as argv, without a shell, argv[0] included', async () => {
    const config = await h.config({ shell: false, value: 'printf', arguments: ['printf', '%s|', 'a b', '$HOME', '*'] });
    await h.launch(config);
    expect((await h.containerizer.wait(config.containerId))?.exitCode).toBe(0);
    expect(await readSandbox(config.sandbox, 'stdout')).toBe('a b|$HOME|*|');
  });

  it('passes arguments[0] as argv[0]', async () => {
    const config = await h.config({ shell: false, value: '/bin/sleep', arguments: ['my-sleeper', '30'] });
    const pid = await h.launch(config);
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    expect(cmdline.split('\0').slice(0, 2)).toEqual(['my-sleeper', '30']);
  });

  it('runs with exactly the given environment, the command variables winning, nothing inherited', async () => {
    // `env` itself (no shell, which would add PWD and the like) prints what the container got.
    const config = await h.config(
      {
        shell: false,
        value: '/usr/bin/env',
        arguments: ['env'],
        environment: {
          variables: [
            { name: 'B', value: 'from-command' },
            { name: 'C', type: Environment_Variable_Type.VALUE, value: 'c=d' },
          ],
        },
      },
      { environment: { A: 'a', B: 'from-agent' } },
    );
    expect(process.env.PATH).toBeDefined(); // the agent's own, which must not leak in
    await h.launch(config);
    await h.containerizer.wait(config.containerId);
    const lines = (await readSandbox(config.sandbox, 'stdout')).trim().split('\n').sort();
    expect(lines).toEqual(['A=a', 'B=from-command', 'C=c=d']);
  });

  it('runs in the sandbox', async () => {
    const config = await h.config({ value: 'pwd' });
    await h.launch(config);
    await h.containerizer.wait(config.containerId);
    expect(await readSandbox(config.sandbox, 'stdout')).toBe(`${config.sandbox}\n`);
  });

  it('refuses a SECRET environment variable, naming it', async () => {
    const config = await h.config({
      value: 'true',
      environment: { variables: [{ name: 'TOKEN', type: Environment_Variable_Type.SECRET, secret: {} }] },
    });
    const launched = await h.containerizer.launch(config);
    expect(launched.ok).toBe(false);
    expect(!launched.ok && launched.error.code).toBe('INVALID_ARGUMENT');
    expect(!launched.ok && launched.error.message).toMatch(/'TOKEN'.*SECRET/);
    expect(h.containerizer.containers()).toEqual([]);
  });

  it('answers a program that cannot be executed with an error, not a throw', async () => {
    const config = await h.config({ shell: false, value: '/nonexistent/program', arguments: ['program'] });
    const launched = await h.containerizer.launch(config);
    expect(!launched.ok && launched.error.message).toMatch(/Failed to launch container '.+'.*ENOENT/);
    expect(!launched.ok && launched.error.code).toBe('INVALID_ARGUMENT');
    expect(h.containerizer.containers()).toEqual([]);
    // The ID is free again.
    const retry = await h.containerizer.launch({ ...config, command: { value: 'true' } });
    expect(retry.ok).toBe(true);
  });

  it('answers a missing sandbox with an error naming it', async () => {
    const config = await h.config({ value: 'true' }, { sandbox: '/nonexistent/sandbox' });
    const launched = await h.containerizer.launch(config);
    const message = !launched.ok && launched.error.message;
    expect(message).toMatch(/sandbox '\/nonexistent\/sandbox' is not an existing directory/);
  });

  it('refuses to write output through a symbolic link planted in the sandbox', async () => {
    const sandbox = await h.sandbox();
    const victim = join(await h.sandbox(), 'victim');
    await writeFile(victim, 'precious\n');
    await symlink(victim, join(sandbox, 'stdout'));
    const config = await h.config({ value: 'echo overwritten' }, { sandbox });
    const launched = await h.containerizer.launch(config);
    expect(!launched.ok && launched.error.message).toMatch(/cannot open the output files in '.+': ELOOP/);
    expect(await readFile(victim, 'utf8')).toBe('precious\n');
    expect(h.containerizer.containers()).toEqual([]);
  });

  it('answers an unknown user with an error naming the user', async () => {
    const config = await h.config({ value: 'true' }, { user: 'no-such-user-xyz' });
    const launched = await h.containerizer.launch(config);
    expect(!launched.ok && launched.error.code).toBe('INVALID_ARGUMENT');
    expect(!launched.ok && launched.error.message).toMatch(/unknown user 'no-such-user-xyz'/);
  });

  it('refuses a duplicate container ID, also while the first launch is in flight', async () => {
    const config = await h.config({ value: 'sleep 30' });
    const [a, b] = await Promise.all([h.containerizer.launch(config), h.containerizer.launch(config)]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    const refused = a.ok ? b : a;
    expect(!refused.ok && refused.error.code).toBe('CONFLICT');
    expect(!refused.ok && refused.error.message).toBe(`Container '${config.containerId}' already exists`);
    const again = await h.containerizer.launch(config);
    expect(!again.ok && again.error.code).toBe('CONFLICT');
    expect(h.containerizer.containers()).toEqual([config.containerId]);
  });

  it('ends the container when its first process exits, killing what it left behind', async () => {
    const config = await h.config({ value: 'sleep 60 & echo $! > bg.pid; exit 4' });
    await h.launch(config);
    const termination = await h.containerizer.wait(config.containerId);
    expect(termination?.exitCode).toBe(4);
    const bg = Number(await readSandbox(config.sandbox, 'bg.pid'));
    expect(await running(bg)).toBe(false);
  });

  it('answers wait, destroy and usage of unknown containers', async () => {
    expect(await h.containerizer.wait('nope')).toBeUndefined();
    expect(await h.containerizer.destroy('nope')).toBeUndefined();
    const usage = await h.containerizer.usage('nope');
    expect(!usage.ok && usage.error.code).toBe('NOT_FOUND');
    expect(!usage.ok && usage.error.message).toBe("Unknown container 'nope'");
  });

  it('still answers wait with the termination after the container ended', async () => {
    const config = await h.config({ value: 'exit 2' });
    await h.launch(config);
    const first = await h.containerizer.wait(config.containerId);
    expect(await h.containerizer.wait(config.containerId)).toEqual(first);
    await eventually(() => h.containerizer.containers().length === 0);
  });

  it('lists running containers', async () => {
    const a = await h.config({ value: 'sleep 30' });
    const b = await h.config({ value: 'sleep 30' });
    await h.launch(a);
    await h.launch(b);
    expect([...h.containerizer.containers()].sort()).toEqual([a.containerId, b.containerId].sort());
  });
});
