import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import { parseNvidiaGpuDevices, resolveNvidiaGpus, type Containerizer, type ContainerizerLogger, type Fetcher, type NvidiaSetup, type ResolveGpusOptions } from '@mesos-ts/containerizer';
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import { Files } from '@mesos-ts/files';
import { AgentInfo_Capability_Type, type AgentInfo, type Attribute } from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import type { Dispatcher } from 'undici';
import { AgentCore } from './agent-core';
import { createContainerizers, type AgentContainerizers } from './containerizers';
import { AGENT_CAPABILITIES, ResourceCheckpoint } from './checkpointed-resources';
import { formatAttributes, parseAttributes } from './attributes';
import { defaultLauncherDir } from './executor-setup';
import type { AgentFlags } from './flags';
import { silentLogger, type Logger } from './log';
import { dispatchMasterEvent } from './master-events';
import { MasterLink } from './master-link';
import { forgetAgentId, readAgentId, writeAgentId } from './paths';
import { detectResources, type OsFacts } from './resources';
import { buildInfo } from './build-info';
import { createAgentRouter } from './http/router';
import { LoggingLevel } from './http/logging';
import { TerminalTaskCounter } from './http/metrics';
import { sandboxAttacher } from './http/sandboxes';
import type { Timers } from './status-update-manager';

/** The Mesos version this agent speaks and reports. */
export const MESOS_VERSION = '1.11.0';

export interface StartAgentOptions {
  readonly flags: AgentFlags;
  readonly logger?: Logger;
  /** Machine facts for resource detection; the real machine by default. */
  readonly os?: OsFacts;
  /**
   * What runs executors. Default: the containerizers of `--containerizers` built from the flags (see
   * containerizers.ts), which are recovered (orphans of an earlier run destroyed) before the agent registers.
   */
  readonly containerizer?: Containerizer;
  /** With an injected containerizer: the fetcher for `CommandInfo.uris` (default: one from the fetcher flags). */
  readonly fetcher?: Fetcher;
  /** How GPUs are detected with `gpu/nvidia` (tests inject recorded nvidia-smi output). Default: run nvidia-smi. */
  readonly gpuDetection?: ResolveGpusOptions['detect'];
  /** How long a TASK_FAILED from an executor waits for a limitation (default 2 s when a limit can end containers). */
  readonly limitationGraceMs?: number;
  /** The undici dispatcher for the master connection (tests). Default: undici's global one. */
  readonly dispatcher?: Dispatcher;
  /** Executor stream heartbeat interval (default 30 min) and status update retry timing (default 10 s .. 10 min). */
  readonly executorHeartbeatMs?: number;
  readonly statusUpdateRetryMs?: { readonly min: number; readonly max: number };
  readonly statusUpdateTimers?: Timers;
  /** Whether the agent may switch to task users. Default: it runs as root. */
  readonly runningAsRoot?: boolean;
}

export interface AgentHandle {
  readonly resources: Resources;
  readonly attributes: readonly Attribute[];
  readonly hostname: string;
  /** Where the agent serves HTTP (the bound port, useful with `--port=0`). */
  readonly address: { readonly ip: string; readonly port: number };
  /** `slave(1)@<ip>:<port>`, with the address the agent advertises. */
  readonly pid: string;
  /** The agent ID, once registered (or as persisted from an earlier run). */
  readonly agentId: string | undefined;
  /** Whether a session with the master is open. */
  readonly connected: boolean;
  /** The agent's logic, for embedders and tests (frameworks, executors, pending status updates). */
  readonly core: AgentCore;
  /** The master connection. */
  readonly link: MasterLink;
  /** Resolves when the master shuts this agent down (with its reason); the agent has stopped by then. */
  readonly shutdown: Promise<string | undefined>;
  /**
   * Stops: closes the master session (no UNREGISTER: the master sees a disconnection, as when Mesos's agent is
   * stopped), destroys every container (there is no recovery yet to reattach to them), stops serving.
   */
  close(): Promise<void>;
}

/** The IPv4 address the agent advertises: `--ip`, else the first external interface, else loopback. */
function advertisedIp(ip: string | undefined): string {
  if (ip !== undefined && ip !== '0.0.0.0') return ip;
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

/** pino's `(fields, message)` shape on top of our `(message, fields)` logger, for the containerizer. */
function containerizerLogger(log: Logger): ContainerizerLogger {
  return {
    info: (fields, message) => log.info(message, fields),
    warn: (fields, message) => log.warn(message, fields),
    error: (fields, message) => log.error(message, fields),
  };
}

/**
 * Starts the agent: creates `--work_dir`, detects resources and parses attributes (errors are INVALID_ARGUMENT
 * values naming the flag), serves HTTP on `--ip`/`--port` (the endpoints of http/router.ts: `/state`, `/flags`,
 * `/metrics/snapshot`, `/containers`, `/files/*`, `/api/v1`, `/api/v1/executor`, ..., also under `/slave(1)/`), and registers with `--master` (re-registering with the ID persisted in
 * `<work_dir>/meta/slaves/latest`, if any).
 */
export async function startAgent(options: StartAgentOptions): Promise<Result<AgentHandle>> {
  const { flags } = options;
  const log = options.logger ?? silentLogger;
  const startTime = Date.now() / 1000;

  if (flags.master === undefined) return err(new MesosTsError('INVALID_ARGUMENT', 'Missing required option `--master`'));

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
  // GPUs by Mesos's rules: detected with `gpu/nvidia` (nvidia-smi) unless --resources names them.
  const gpus = await agentGpus(flags, resources.value, options.gpuDetection);
  if (!gpus.ok) return gpus;
  const agentResources = gpus.value.resources;
  const attributes = parseAttributes(flags.attributes ?? '');
  if (!attributes.ok) return attributes;
  const persistedId = readAgentId(flags.work_dir);
  if (!persistedId.ok) return persistedId;
  // The reservations and volumes of the persisted agent: a checkpoint that does not fit the resources stops the start.
  const checkpoint = new ResourceCheckpoint(flags.work_dir, agentResources);
  if (persistedId.value !== undefined) {
    const loaded = checkpoint.load(persistedId.value);
    if (!loaded.ok) return loaded;
  }

  // The containerizers, and what a killed earlier run of this agent left behind destroyed, before anything runs.
  let built: AgentContainerizers | undefined;
  if (options.containerizer === undefined) {
    const created = await createContainerizers({
      flags,
      logger: containerizerLogger(log),
      ...(gpus.value.nvidia === undefined ? {} : { nvidia: gpus.value.nvidia }),
      ...(options.runningAsRoot === undefined ? {} : { runningAsRoot: options.runningAsRoot }),
    });
    if (!created.ok) return created;
    built = created.value;
    const recovered = await built.recover(flags.work_dir);
    if (!recovered.ok) {
      await built.close();
      return recovered;
    }
    const { cgroups, docker, rootfses } = recovered.value;
    if (cgroups.length + docker.length + rootfses.length > 0) {
      log.info('Destroyed the containers an earlier run of this agent left behind', { cgroups, docker, rootfses });
    }
  }
  const fetcher = options.fetcher ?? built?.fetcher;
  const limitationGraceMs = options.limitationGraceMs ?? (built?.mayLimit === true ? 2_000 : 0);

  const hostname = flags.hostname ?? os.hostname();
  const ip = flags.ip ?? '0.0.0.0';
  const launcherDir = flags.launcher_dir ?? defaultLauncherDir();

  let route: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  const server = createServer((req, res) => route(req, res));
  const listening = await listen(server, ip, flags.port);
  if (!listening.ok) {
    await built?.close();
    return listening;
  }
  const port = listening.value.port;
  const publicIp = advertisedIp(flags.ip);
  const pid = `slave(1)@${publicIp}:${port}`;

  const agentInfo: AgentInfo = { hostname, port, resources: agentResources.toProto(), attributes: attributes.value };
  const containerizer = options.containerizer ?? built!.containerizer;

  // The files API: executor sandboxes are attached as they are made (http/sandboxes.ts).
  const files = new Files();
  const logging = new LoggingLevel(log);
  let core!: AgentCore;
  let resolveShutdown!: (message: string | undefined) => void;
  const shutdown = new Promise<string | undefined>((resolve) => (resolveShutdown = resolve));
  const link = new MasterLink({
    master: flags.master,
    agentInfo,
    pid,
    version: MESOS_VERSION,
    capabilities: AGENT_CAPABILITIES,
    idStore: {
      load: () => persistedId.value,
      save: (agentId) => {
        const saved = writeAgentId(flags.work_dir, agentId);
        if (!saved.ok) log.error(saved.error.message);
      },
    },
    report: () => core.report(),
    handlers: {
      onRegistered: (registered) => core.registered(registered),
      onEvent: (event) => dispatchMasterEvent(core, event, log),
      onDisconnected: () => core.disconnected(),
      onShutdown: (message) => {
        // The master removed this agent for good: a later start must register as a new agent.
        forgetAgentId(flags.work_dir);
        void core.stop().then(() => resolveShutdown(message));
      },
    },
    logger: log,
    backoffFactorMs: flags.registration_backoff_factor,
    ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
  });
  core = new AgentCore({
    config: {
      workDir: flags.work_dir,
      launcherDir,
      switchUser: flags.switch_user,
      executorRegistrationTimeoutMs: flags.executor_registration_timeout,
      executorShutdownGracePeriodMs: flags.executor_shutdown_grace_period,
      recoveryTimeoutMs: flags.recovery_timeout,
    },
    containerizer,
    checkpoint,
    master: link,
    agentInfo,
    pid,
    endpoint: `${publicIp}:${port}`,
    logger: log,
    ...(options.runningAsRoot === undefined ? {} : { runningAsRoot: options.runningAsRoot }),
    ...(options.executorHeartbeatMs === undefined ? {} : { executorHeartbeatMs: options.executorHeartbeatMs }),
    ...(options.statusUpdateRetryMs === undefined ? {} : { statusUpdateRetryMs: options.statusUpdateRetryMs }),
    ...(options.statusUpdateTimers === undefined ? {} : { statusUpdateTimers: options.statusUpdateTimers }),
    sandboxes: sandboxAttacher(files, log),
    ...(fetcher === undefined ? {} : { fetcher }),
    containerMountsVolumes: built?.mountsVolumes === true,
    limitationGraceMs,
  });

  route = createAgentRouter({
    core,
    flags,
    launcherDir,
    files,
    containerizer,
    build: buildInfo(MESOS_VERSION),
    startTime,
    hostname,
    attributes: attributes.value,
    capabilities: AGENT_CAPABILITIES.map((c) => AgentInfo_Capability_Type[c.type ?? 0] ?? 'UNKNOWN'),
    logging,
    counters: new TerminalTaskCounter(),
    log,
    masterHostname: () => link.masterInfo?.hostname,
    registered: () => link.connected,
    drainConfig: () => core.drainConfig,
    now: Date.now,
  });

  log.info('Agent started', {
    hostname,
    address: `${ip}:${port}`,
    pid,
    work_dir: flags.work_dir,
    resources: agentResources.toString(),
    attributes: formatAttributes(attributes.value),
    containerizers: flags.containerizers,
    isolation: built?.isolation.join(',') ?? flags.isolation,
    ...(built === undefined ? {} : { launcher: built.launcher }),
    launcher_dir: launcherDir,
    ...(persistedId.value === undefined ? {} : { agent_id: persistedId.value }),
  });
  link.start();

  let closing: Promise<void> | undefined;
  return ok({
    resources: agentResources,
    attributes: attributes.value,
    hostname,
    address: { ip, port },
    pid,
    get agentId() {
      return link.agentId;
    },
    get connected() {
      return link.connected;
    },
    core,
    link,
    shutdown,
    close: () =>
      (closing ??= (async () => {
        await link.stop();
        await core.stop();
        await built?.close();
        logging.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })()),
  });
}

/**
 * The agent's resources with its GPUs: with `gpu/nvidia`, the GPUs nvidia-smi finds (or the `--nvidia_gpu_devices`
 * ones) are added as `gpus` when `--resources` does not name them; the setup goes to the `gpu/nvidia` isolator.
 */
async function agentGpus(flags: AgentFlags, resources: Resources, detect: ResolveGpusOptions['detect'] | undefined): Promise<Result<{ resources: Resources; nvidia?: NvidiaSetup }>> {
  const isolation = flags.isolation.split(',').map((n) => n.trim());
  let devices: number[] | undefined;
  if (flags.nvidia_gpu_devices !== undefined) {
    const parsed = parseNvidiaGpuDevices(flags.nvidia_gpu_devices);
    if (!parsed.ok) return parsed;
    devices = parsed.value;
  }
  const named = resources.byName('gpus');
  const flagsGpus = named.isEmpty() ? undefined : named.toProto().reduce((sum, r) => sum + (r.scalar?.value ?? 0), 0);
  const resolved = await resolveNvidiaGpus({ isolation, flagsGpus, nvidiaGpuDevices: devices, ...(detect === undefined ? {} : { detect }) });
  if (!resolved.ok) return resolved;
  const { gpus, nvidia } = resolved.value;
  const withGpus = gpus !== undefined && gpus > 0 && flagsGpus === undefined ? resources.plus(Resources.mustParse(`gpus:${gpus}`, flags.default_role)) : resources;
  return ok({ resources: withGpus, ...(nvidia === undefined ? {} : { nvidia }) });
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
