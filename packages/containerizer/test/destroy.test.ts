import { existsSync } from 'node:fs';
import { Harness, eventually, liveMembers, readSandbox, running } from './support';

describe('PosixContainerizer destroy (real processes)', () => {
  let h: Harness;
  beforeEach(() => {
    h = new Harness();
  });
  afterEach(() => h.close());

  it('kills the whole process tree and leaves no process of the group', async () => {
    const config = await h.config({ value: 'sleep 100 & sleep 100' });
    const pid = await h.launch(config);
    await eventually(async () => (await liveMembers(pid)).filter((p) => p.comm === 'sleep').length === 2);

    const termination = await h.containerizer.destroy(config.containerId);
    expect(termination).toEqual({
      status: 9,
      signal: 'SIGKILL',
      message: 'Container destroyed: Command terminated with signal Killed',
    });
    expect(await liveMembers(pid)).toEqual([]);
    expect(h.containerizer.containers()).toEqual([]);
    expect(await h.containerizer.wait(config.containerId)).toEqual(termination);
  });

  const withPerl = existsSync('/usr/bin/perl') ? it : it.skip;
  withPerl('also kills a process that moved to another group of the session', async () => {
    const config = await h.config({ value: `perl -e 'setpgrp(0, 0); sleep 100' & echo $! > moved.pid; wait` });
    const pid = await h.launch(config);
    await eventually(async () => (await liveMembers(pid)).some((p) => p.pgrp !== pid && p.session === pid));
    const moved = Number(await readSandbox(config.sandbox, 'moved.pid'));
    expect(await running(moved)).toBe(true);

    await h.containerizer.destroy(config.containerId);
    expect(await running(moved)).toBe(false);
    expect(await liveMembers(pid)).toEqual([]);
  });

  it('also kills a descendant that started a session of its own (as executors run their tasks)', async () => {
    // The leader waits on a child in a new session: the child leaves the group and the session, but not the tree.
    const config = await h.config({ value: `setsid sh -c 'echo $$ > escaped.pid; exec sleep 100' & wait` });
    await h.launch(config);
    await eventually(async () => (await readSandbox(config.sandbox, 'escaped.pid').catch(() => '')).trim() !== '');
    const escaped = Number(await readSandbox(config.sandbox, 'escaped.pid'));
    expect(await running(escaped)).toBe(true);

    await h.containerizer.destroy(config.containerId, 1000);
    expect(await running(escaped)).toBe(false);
  });

  it('sends SIGTERM first and lets a trap finish within the grace period', async () => {
    const config = await h.config({
      value: `trap 'echo got-term; exit 7' TERM; echo ready; while :; do sleep 0.05; done`,
    });
    await h.launch(config);
    await eventually(async () => (await readSandbox(config.sandbox, 'stdout')).includes('ready'));

    const started = Date.now();
    const termination = await h.containerizer.destroy(config.containerId, 10_000);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(termination).toEqual({
      status: 7 << 8,
      exitCode: 7,
      message: 'Container destroyed: Command exited with status 7',
    });
    expect(await readSandbox(config.sandbox, 'stdout')).toBe('ready\ngot-term\n');
  });

  it('sends SIGKILL when the grace period runs out', async () => {
    const config = await h.config({ value: `trap '' TERM; echo ready; sleep 100` });
    const pid = await h.launch(config);
    await eventually(async () => (await readSandbox(config.sandbox, 'stdout')).includes('ready'));

    const started = Date.now();
    const termination = await h.containerizer.destroy(config.containerId, 300);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(5000);
    expect(termination?.signal).toBe('SIGKILL');
    expect(await liveMembers(pid)).toEqual([]);
  });

  it('waits the grace for the rest of the group when the first process exits on SIGTERM', async () => {
    // The leader dies of SIGTERM at once; its child ignores SIGTERM and needs a little time to finish.
    const config = await h.config({
      value: `(trap 'sleep 0.3; echo child-done; exit 0' TERM; echo ready; while :; do sleep 0.05; done) & wait`,
    });
    const pid = await h.launch(config);
    await eventually(async () => (await readSandbox(config.sandbox, 'stdout')).includes('ready'));

    const termination = await h.containerizer.destroy(config.containerId, 5000);
    expect(termination?.message).toMatch(/^Container destroyed: /);
    expect(await readSandbox(config.sandbox, 'stdout')).toBe('ready\nchild-done\n');
    expect(await liveMembers(pid)).toEqual([]);
  });

  it('is idempotent: concurrent and later calls answer the same termination', async () => {
    const config = await h.config({ value: 'sleep 100' });
    await h.launch(config);
    const [a, b] = await Promise.all([
      h.containerizer.destroy(config.containerId),
      h.containerizer.destroy(config.containerId, 1000),
    ]);
    expect(a).toBe(b);
    expect(await h.containerizer.destroy(config.containerId)).toEqual(a);
  });

  it('destroys a container whose launch is still in flight once it has started', async () => {
    const config = await h.config({ value: 'sleep 100' });
    const launching = h.containerizer.launch(config);
    const destroyed = h.containerizer.destroy(config.containerId);
    const launched = await launching;
    if (!launched.ok) throw launched.error;
    expect((await destroyed)?.signal).toBe('SIGKILL');
    expect(await liveMembers(launched.value.pid)).toEqual([]);
    expect(h.containerizer.containers()).toEqual([]);
  });

  it('resolves waiters when the container is destroyed', async () => {
    const config = await h.config({ value: 'sleep 100' });
    await h.launch(config);
    const waited = h.containerizer.wait(config.containerId);
    const destroyed = await h.containerizer.destroy(config.containerId);
    expect(await waited).toBe(destroyed);
  });
});
