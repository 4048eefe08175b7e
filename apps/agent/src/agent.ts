import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import * as os from 'node:os';
import type { AddressInfo } from 'node:net';
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import type { Attribute } from '@mesos-ts/proto';
import type { Resources } from '@mesos-ts/resources';
import { formatAttributes, parseAttributes } from './attributes';
import type { AgentFlags } from './flags';
import { silentLogger, type Logger } from './log';
import { detectResources, type OsFacts } from './resources';

export interface StartAgentOptions {
  readonly flags: AgentFlags;
  readonly logger?: Logger;
  /** Machine facts for resource detection; the real machine by default. */
  readonly os?: OsFacts;
}

export interface AgentHandle {
  readonly resources: Resources;
  readonly attributes: readonly Attribute[];
  readonly hostname: string;
  /** Where /health is served (the bound port, useful with `--port=0`). */
  readonly address: { readonly ip: string; readonly port: number };
  /** Stops serving; resolves when the listener is closed. */
  close(): Promise<void>;
}

/**
 * Starts what exists of the agent: creates `--work_dir`, detects resources and parses attributes (errors are
 * INVALID_ARGUMENT values naming the flag), logs them, and serves `GET /health` on `--ip`/`--port`.
 * It does not contact the master yet.
 */
export async function startAgent(options: StartAgentOptions): Promise<Result<AgentHandle>> {
  const { flags } = options;
  const log = options.logger ?? silentLogger;

  if (flags.isolation.split(',').includes('gpu/nvidia')) {
    return err(new MesosTsError('INVALID_ARGUMENT', "Isolation 'gpu/nvidia' in --isolation is not supported yet"));
  }

  // Mesos creates the work directory before using it; disk detection needs it to exist.
  try {
    mkdirSync(flags.work_dir, { recursive: true });
  } catch (e) {
    return err(new MesosTsError('INVALID_ARGUMENT', `Failed to create --work_dir '${flags.work_dir}': ${(e as Error).message}`, { cause: e }));
  }

  const resources = detectResources({
    flagsResources: flags.resources,
    defaultRole: flags.default_role,
    workDir: flags.work_dir,
    ...(options.os !== undefined ? { os: options.os } : {}),
    onWarning: (message) => log.warn(message),
  });
  if (!resources.ok) return resources;

  const attributes = parseAttributes(flags.attributes ?? '');
  if (!attributes.ok) return attributes;

  const hostname = flags.hostname ?? os.hostname();
  const ip = flags.ip ?? '0.0.0.0';
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path === '/health') {
      if (req.method === 'GET' || req.method === 'HEAD') {
        res.writeHead(200, { 'Content-Length': '0' }).end();
      } else {
        res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end(`Expecting 'GET', received '${req.method}'\n`);
      }
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`No endpoint '${path}' (only /health exists yet)\n`);
  });

  const listening = await listen(server, ip, flags.port);
  if (!listening.ok) return listening;

  log.info('Agent started', {
    hostname,
    address: `${ip}:${listening.value.port}`,
    work_dir: flags.work_dir,
    resources: resources.value.toString(),
    attributes: formatAttributes(attributes.value),
    containerizers: flags.containerizers,
    isolation: flags.isolation,
  });
  log.info(`Not connecting to the master at ${flags.master ?? '(none)'}: registration is not implemented yet; serving /health only`);

  return ok({
    resources: resources.value,
    attributes: attributes.value,
    hostname,
    address: { ip, port: listening.value.port },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

function listen(server: Server, ip: string, port: number): Promise<Result<AddressInfo>> {
  return new Promise((resolve) => {
    const onError = (e: Error): void => {
      resolve(err(new MesosTsError('UNAVAILABLE', `Failed to listen on ${ip}:${port}: ${e.message}`, { cause: e })));
    };
    server.once('error', onError);
    server.listen(port, ip, () => {
      server.off('error', onError);
      resolve(ok(server.address() as AddressInfo));
    });
  });
}
