import { mkdir, mkdtemp, rm, symlink, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkStaticHelper, mountArgs } from '../launcher/rootfs';
import { checkContainerPath, FilesystemLinuxIsolator, findProgramInRootfs, resolveInRootfs } from './filesystem-linux';
import type { ContainerConfig } from '../types';

describe('filesystem/linux helpers', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fs-linux-unit-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('checks container paths: relative ones must stay in the sandbox', () => {
    expect(checkContainerPath('data')).toBeUndefined();
    expect(checkContainerPath('/var/lib/x')).toBeUndefined();
    expect(checkContainerPath('a/../../x')).toBe("containerPath 'a/../../x' must name a path inside the sandbox");
    expect(checkContainerPath('.')).toBe("containerPath '.' must name a path inside the sandbox");
    expect(checkContainerPath('')).toBe('containerPath must be a non-empty string');
    expect(checkContainerPath(7)).toBe('containerPath must be a non-empty string');
  });

  it('resolves paths inside a root filesystem, absolute symlinks included, never outside it', async () => {
    const root = join(dir, 'root');
    await mkdir(join(root, 'usr', 'bin'), { recursive: true });
    await writeFile(join(root, 'usr', 'bin', 'tool'), '#!/bin/sh\n');
    await chmod(join(root, 'usr', 'bin', 'tool'), 0o755);
    await symlink('/usr/bin', join(root, 'bin'));
    await symlink('../../../../../etc', join(root, 'escape'));
    expect(await resolveInRootfs(root, '/bin/tool')).toBe(join(root, 'usr', 'bin', 'tool'));
    // `..` at the top stays at the top, as after pivot_root: /etc of the rootfs, which does not exist.
    expect(await resolveInRootfs(root, '/escape/passwd')).toBeUndefined();
    expect(await findProgramInRootfs(root, 'tool', '/sbin:/bin', '/')).toEqual({ program: '/bin/tool' });
    expect(await findProgramInRootfs(root, '/usr/bin/tool', undefined, '/')).toEqual({ program: '/usr/bin/tool' });
    expect(await findProgramInRootfs(root, 'missing', '/bin', '/')).toEqual({ reason: "'missing' was not found in the container's PATH '/bin'" });
    expect(await findProgramInRootfs(root, './tool', '/bin', '/usr')).toEqual({ reason: "'./tool' is not an executable file in the container's root filesystem" });
  });

  it('prepares the image mounts in order, with the sandbox and volumes', async () => {
    const sandbox = join(dir, 'sandbox');
    const volume = join(dir, 'volume');
    await mkdir(sandbox);
    await mkdir(volume);
    const isolator = new FilesystemLinuxIsolator({ sandboxDirectory: '/sandbox/' });
    const config = {
      containerId: 'c',
      sandbox,
      mounts: [
        { hostPath: volume, containerPath: 'v', readOnly: true },
        { hostPath: volume, containerPath: '/abs', readOnly: false },
      ],
    } as unknown as ContainerConfig;
    const contribution = await isolator.prepare({ containerId: 'c', config, limits: {}, rootfs: '/r' });
    expect(contribution.rootfs).toBe('/r');
    expect(contribution.namespaces).toEqual(['mount']);
    expect(contribution.environment).toEqual({ MESOS_SANDBOX: '/sandbox' });
    const targets = contribution.mounts!.map((m) => m.target);
    expect(targets[0]).toBe('/r/proc');
    expect(targets.indexOf('/r/dev')).toBeLessThan(targets.indexOf('/r/dev/null'));
    expect(contribution.mounts!.slice(-3)).toEqual([
      { source: sandbox, target: '/r/sandbox', recursive: true },
      { source: volume, target: '/r/sandbox/v', recursive: true, readOnly: true },
      { source: volume, target: '/r/abs', recursive: true },
    ]);
    // Without an image: only the volumes, an absolute one must exist on the host.
    const plain = await isolator.prepare({ containerId: 'c', config: { ...config, mounts: [{ hostPath: volume, containerPath: 'v', readOnly: false }] }, limits: {} });
    expect(plain.mounts).toEqual([{ source: volume, target: join(sandbox, 'v'), recursive: true }]);
    await expect(
      isolator.prepare({ containerId: 'c', config: { ...config, mounts: [{ hostPath: volume, containerPath: join(dir, 'nope'), readOnly: false }] }, limits: {} }),
    ).rejects.toThrow(`mounts[0]: containerPath '${join(dir, 'nope')}' is absolute and does not exist`);
    expect(() => new FilesystemLinuxIsolator({ sandboxDirectory: 'relative' })).toThrow("Flag '--sandbox_directory' must be an absolute path");
  });

  it('encodes mounts for the launch script and checks the static helper', async () => {
    expect(mountArgs([{ source: 'proc', target: '/r/proc', type: 'proc', options: 'nosuid' }, { source: '/a', target: '/b', readOnly: true, file: true, optional: true }])).toEqual([
      '2', 'proc', '/r/proc', 'proc', 'nosuid', '-', '/a', '/b', '', '', 'ofq',
    ]);
    const text = join(dir, 'text');
    await writeFile(text, 'not a program');
    expect(await checkStaticHelper(text)).toMatch(/it is not executable$/);
    await chmod(text, 0o755);
    expect(await checkStaticHelper(text)).toMatch(/it is not an ELF executable$/);
    expect(await checkStaticHelper(join(dir, 'absent'))).toMatch(/ENOENT/);
    expect(await checkStaticHelper(process.execPath)).toMatch(/it is dynamically linked$/);
  });
});
