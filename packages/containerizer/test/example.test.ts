// The README's example, run as written (user switching only where this runs as root).
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value_Type } from '@mesos-ts/proto';
import { PosixContainerizer } from '../src';
import { isRoot } from './support';

it('runs the README example', async () => {
  const sandbox = await mkdtemp(join(tmpdir(), 'containerizer-example-'));
  const logged: string[] = [];
  const record = (_fields: Record<string, unknown>, message: string): void => {
    logged.push(message);
  };
  try {
    const containerizer = new PosixContainerizer({ logger: { info: record, warn: record, error: record } });
    const launched = await containerizer.launch({
      containerId: randomUUID(),
      command: { value: 'echo hello from $MESOS_TASK_ID; sleep 30' },
      environment: { MESOS_TASK_ID: 'task-1', PATH: '/usr/bin:/bin' },
      sandbox,
      ...(isRoot ? { user: 'nobody' } : {}),
      resources: [{ name: 'cpus', type: Value_Type.SCALAR, scalar: { value: 0.5 } }],
    });
    if (!launched.ok) throw launched.error;

    const usage = await containerizer.usage(launched.value.containerId);
    expect(usage.ok && usage.value).toMatchObject({ processes: expect.any(Number), cpusLimit: 0.5 });
    expect(usage.ok && usage.value.memRssBytes).toBeGreaterThan(0n);

    const termination = await containerizer.destroy(launched.value.containerId, 3000);
    expect(termination).toEqual({
      status: 15,
      signal: 'SIGTERM',
      message: 'Container destroyed: Command terminated with signal Terminated',
    });
    expect(await readFile(join(sandbox, 'stdout'), 'utf8')).toBe('hello from task-1\n');
    expect(logged).toEqual(['Launched container', 'Destroying container', 'Container ended']);
  } finally {
    await rm(sandbox, { recursive: true, force: true });
  }
});
