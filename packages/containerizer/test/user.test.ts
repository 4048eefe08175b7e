import { writeFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { lookupUser } from '../src/internal/users';
import { Harness, isRoot, liveMembers, readSandbox } from './support';

// Switching users needs root; the agent runs as root wherever --switch_user matters.
(isRoot ? describe : describe.skip)('PosixContainerizer user switching (as root)', () => {
  let h: Harness;
  let nobody: { uid: number; gid: number };
  beforeAll(async () => {
    const found = await lookupUser('nobody');
    if (!found.found) throw new Error(found.reason);
    nobody = found.user;
  });
  beforeEach(() => {
    h = new Harness();
  });
  afterEach(() => h.close());

  it('runs the command as the user and hands the sandbox to it', async () => {
    const sandbox = await h.sandbox();
    await writeFile(join(sandbox, 'fetched.txt'), 'from the fetcher');
    const command = { value: 'id -u; id -g; cat fetched.txt; echo written > mine.txt' };
    const config = await h.config(command, { sandbox, user: 'nobody' });
    await h.launch(config);
    expect((await h.containerizer.wait(config.containerId))?.exitCode).toBe(0);
    expect(await readSandbox(sandbox, 'stdout')).toBe(`${nobody.uid}\n${nobody.gid}\nfrom the fetcher`);
    for (const file of ['.', 'stdout', 'stderr', 'fetched.txt', 'mine.txt']) {
      const owner = await stat(join(sandbox, file));
      expect([file, owner.uid, owner.gid]).toEqual([file, nobody.uid, nobody.gid]);
    }
  });

  it('lets CommandInfo.user override the configured user', async () => {
    const config = await h.config({ value: 'id -un', user: 'nobody' }, { user: 'root' });
    await h.launch(config);
    await h.containerizer.wait(config.containerId);
    expect(await readSandbox(config.sandbox, 'stdout')).toBe('nobody\n');
  });

  it("reports usage of and destroys a container of another user", async () => {
    const config = await h.config({ value: 'sleep 100 & sleep 100' }, { user: 'nobody' });
    const pid = await h.launch(config);
    const usage = await h.containerizer.usage(config.containerId);
    expect(usage.ok && usage.value.processes).toBeGreaterThanOrEqual(1);
    const termination = await h.containerizer.destroy(config.containerId, 100);
    expect(termination?.signal).toBeDefined();
    expect(await liveMembers(pid)).toEqual([]);
  });

  it('does not switch (nor chown) when the user is the agent itself', async () => {
    const config = await h.config({ value: 'id -u' }, { user: 'root' });
    await h.launch(config);
    await h.containerizer.wait(config.containerId);
    expect(await readSandbox(config.sandbox, 'stdout')).toBe('0\n');
    expect((await stat(config.sandbox)).uid).toBe(0);
  });
});
