/**
 * Starting and stopping a master from loaded flags: the work directory, the allocator driver, the HTTP server.
 * `main.ts` adds the process concerns (argv, signals, exit codes); tests and embedders call this directly.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AllocatorDriver } from '@mesos-ts/allocator/driver';
import type { Logger } from 'pino';
import type { MasterFlags } from './flags';
import { createMasterServer } from './server';

export interface RunningMaster {
  readonly driver: AllocatorDriver;
  readonly server: Server;
  /** Where the server listens (the real port when `--port=0`). */
  readonly address: AddressInfo;
  /** Stops the allocator and closes the server and its connections. */
  stop(): Promise<void>;
}

/** Starts a master; resolves once it listens. Rejects if the port cannot be bound. */
export async function startMaster(flags: MasterFlags, logger: Logger): Promise<RunningMaster> {
  if (flags.work_dir !== undefined) mkdirSync(flags.work_dir, { recursive: true });

  const driver = new AllocatorDriver({
    allocationIntervalMs: flags.allocation_interval,
    minAllocatableResources: flags.min_allocatable_resources.value,
    roleSorter: flags.role_sorter as 'drf' | 'random',
    frameworkSorter: flags.framework_sorter as 'drf' | 'random',
    // Frameworks do not exist yet, so no offer is ever made; the callback is where the scheduler API will plug in.
    offerCallback: (frameworkId) => logger.warn({ frameworkId }, 'Dropping offers: the scheduler API is not implemented yet'),
    onRun: (stats, ms) => logger.debug({ stats, ms }, 'Allocation run'),
  });
  if (flags.weights !== undefined) driver.allocator.updateWeights([...flags.weights.value]);

  const server = createMasterServer({ flags, driver });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(flags.port, flags.ip ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  driver.start();
  const address = server.address() as AddressInfo;

  return {
    driver,
    server,
    address,
    stop: () =>
      new Promise<void>((resolve) => {
        driver.stop();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
