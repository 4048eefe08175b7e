/**
 * Starting and stopping a master from loaded flags: the work directory, the master's state ({@link MasterCore}:
 * allocator driver, offer manager, frameworks, agents, tasks), the HTTP server. `main.ts` adds the process concerns
 * (argv, signals, exit codes); tests, the simulator and embedders call this directly.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { hostname as osHostname, networkInterfaces } from 'node:os';
import { isIPv4, type AddressInfo } from 'node:net';
import type { AllocatorDriver } from '@mesos-ts/allocator/driver';
import type { MasterInfo } from '@mesos-ts/proto';
import type { Logger } from 'pino';
import { MasterCore } from './core';
import type { MasterFlags } from './flags';
import { createMasterServer } from './server';
import { MESOS_VERSION } from './version';

export interface RunningMaster {
  readonly driver: AllocatorDriver;
  readonly server: Server;
  /** The master's state, for embedders and tests that want to look inside. */
  readonly core: MasterCore;
  /** The MasterInfo schedulers and agents are given (id, address, version). */
  readonly info: MasterInfo;
  /** Where the server listens (the real port when `--port=0`). */
  readonly address: AddressInfo;
  /** `http://<advertised ip>:<port>`. */
  readonly url: string;
  /** Stops the allocator and every timer, closes every stream, the server and its connections. */
  stop(): Promise<void>;
}

/** Options for embedders and tests, beyond the flags. */
export interface StartMasterOptions {
  /** Time between scheduler HEARTBEAT events; Mesos's fixed 15 s by default. */
  readonly heartbeatIntervalMs?: number;
}

/** The address the master advertises: `--ip`, else the first external IPv4 address, else loopback. */
function advertisedIp(flagIp: string | undefined): string {
  if (flagIp !== undefined && flagIp !== '0.0.0.0' && flagIp !== '::') return flagIp;
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

/** MasterInfo.ip: the IPv4 address as libprocess stores it (network byte order read as a little-endian uint32). */
export function packIp(ip: string): number {
  if (!isIPv4(ip)) return 0;
  const [a, b, c, d] = ip.split('.').map(Number) as [number, number, number, number];
  return (a | (b << 8) | (c << 16) | (d << 24)) >>> 0;
}

/** Starts a master; resolves once it listens. Rejects if the port cannot be bound. */
export async function startMaster(flags: MasterFlags, logger: Logger, options: StartMasterOptions = {}): Promise<RunningMaster> {
  if (flags.work_dir !== undefined) mkdirSync(flags.work_dir, { recursive: true });

  const ip = advertisedIp(flags.ip);
  // Mesos reverse-resolves the IP when --hostname is not given; we use --ip itself, or the machine's name.
  const host = flags.hostname ?? (flags.ip !== undefined && flags.ip !== '0.0.0.0' ? flags.ip : osHostname());
  const info: MasterInfo = { id: randomUUID(), ip: packIp(ip), port: flags.port, pid: `master@${ip}:${flags.port}`, hostname: host, version: MESOS_VERSION };
  const core = new MasterCore({ flags, logger, info, ...(options.heartbeatIntervalMs === undefined ? {} : { heartbeatIntervalMs: options.heartbeatIntervalMs }) });

  const server = createMasterServer({ flags, driver: core.driver, core });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(flags.port, flags.ip ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  // With --port=0 the real port is only known now.
  info.port = address.port;
  info.pid = `master@${ip}:${address.port}`;
  info.address = { ip, hostname: host, port: address.port };
  core.start();
  logger.info({ id: info.id, pid: info.pid }, `Master ${info.id} (${host}) started on ${ip}:${address.port}`);

  return {
    driver: core.driver,
    server,
    core,
    info,
    address,
    url: `http://${ip}:${address.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        core.stop();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
