import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeMesosJson } from '@mesos-ts/proto';
import { ensureBusybox } from '../test/fixtures/busybox-image';
import { commandTaskFlags, type CommandTaskInput } from './command-task';
import type { ImageConfig } from './provisioner/image-config';

const IMAGE: ImageConfig = { entrypoint: ['/bin/hello'], cmd: ['from-cmd'], env: ['PATH=/bin', 'GREETING=image'], workingDir: '/opt' };

describe('commandTaskFlags', () => {
  let rootfs: string;
  let busybox: string;

  beforeAll(async () => {
    busybox = await ensureBusybox();
    rootfs = await mkdtemp(join(tmpdir(), 'mesos-ts-command-task-'));
    await mkdir(join(rootfs, 'bin'));
    await writeFile(join(rootfs, 'bin', 'hello'), '#!/bin/sh\necho hi\n');
    await chmod(join(rootfs, 'bin', 'hello'), 0o755);
    await symlink('hello', join(rootfs, 'bin', 'sh'));
  }, 300_000);
  afterAll(() => rm(rootfs, { recursive: true, force: true }));

  const input = (over: Partial<CommandTaskInput> = {}): CommandTaskInput => ({
    taskCommand: { shell: true, value: 'echo hi' },
    image: IMAGE,
    rootfs,
    sandboxDirectory: '/mnt/mesos/sandbox',
    mounts: [{ source: '/host/sandbox', target: join(rootfs, 'mnt/mesos/sandbox'), recursive: true }],
    executorEnvironment: { PATH: '/usr/bin:/bin' },
    isolatorEnvironment: { MESOS_SANDBOX: '/mnt/mesos/sandbox' },
    tools: { unshare: '/usr/bin/unshare', mount: '/bin/mount', busybox },
    ...over,
  });

  /** The flags as a name -> value map. */
  async function flags(over: Partial<CommandTaskInput> = {}): Promise<Record<string, string>> {
    const r = await commandTaskFlags(input(over));
    if (!r.ok) throw r.error;
    return Object.fromEntries(r.value.map((f) => [f.slice(2, f.indexOf('=')), f.slice(f.indexOf('=') + 1)]));
  }

  it("gives the executor the rootfs, the image's WorkingDir, Env and the mounts", async () => {
    const f = await flags();
    expect(f).toMatchObject({ rootfs, sandbox_directory: '/mnt/mesos/sandbox', working_directory: '/opt' });
    expect(JSON.parse(f.task_command!)).toEqual({ shell: true, value: 'echo hi' });
    const env = decodeMesosJson('mesos.v1.Environment', JSON.parse(f.task_environment!));
    if (!env.ok) throw env.error;
    expect(env.value.variables?.map((v) => `${v.name}=${v.value}`)).toEqual(['PATH=/bin', 'GREETING=image', 'MESOS_SANDBOX=/mnt/mesos/sandbox']);
    expect(JSON.parse(f.launch_info!)).toEqual({ mounts: input().mounts, unshare: '/usr/bin/unshare', mount: '/bin/mount', busybox });
  });

  it('settles a command without a value from the Entrypoint and Cmd, keeping the command environment', async () => {
    const environment = { variables: [{ name: 'GREETING', value: 'task' }] };
    const f = await flags({ taskCommand: { shell: false, environment } });
    const command = decodeMesosJson('mesos.v1.CommandInfo', JSON.parse(f.task_command!));
    if (!command.ok) throw command.error;
    expect(command.value).toMatchObject({ shell: false, value: '/bin/hello', arguments: ['/bin/hello', 'from-cmd'], environment: { variables: [{ name: 'GREETING', value: 'task' }] } });
  });

  it('resolves a program name in the image with its PATH, and names one it does not have', async () => {
    const f = await flags({ taskCommand: { shell: false, value: 'hello', arguments: ['hello', 'x'] }, image: { entrypoint: IMAGE.entrypoint, cmd: IMAGE.cmd, env: IMAGE.env } });
    expect(JSON.parse(f.task_command!)).toMatchObject({ value: '/bin/hello', arguments: ['hello', 'x'] });
    expect(f.working_directory).toBe('/mnt/mesos/sandbox');
    const missing = await commandTaskFlags(input({ taskCommand: { shell: false, value: 'nope' } }));
    expect(missing.ok ? '' : missing.error.message).toBe("'nope' was not found in the container's PATH '/bin'");
  });

  it('refuses a shell command without a value and a busybox that is not static', async () => {
    const noValue = await commandTaskFlags(input({ taskCommand: { shell: true } }));
    expect(noValue.ok ? '' : noValue.error.message).toBe('CommandInfo.shell is true but CommandInfo.value is not set');
    const dynamic = await commandTaskFlags(input({ tools: { unshare: '/usr/bin/unshare', mount: '/bin/mount', busybox: process.execPath } }));
    expect(dynamic.ok ? '' : dynamic.error.message).toContain('it is dynamically linked');
  });
});
