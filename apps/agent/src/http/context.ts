/** What the agent's HTTP endpoints read: the core, the daemon's facts, and the services they answer from. */
import type { Containerizer } from '@mesos-ts/containerizer';
import type { Files } from '@mesos-ts/files';
import type { Attribute, DrainConfig } from '@mesos-ts/proto';
import type { AgentCore } from '../agent-core';
import type { AgentFlags } from '../flags';
import type { Logger } from '../log';
import type { BuildInfo } from '../state-json';
import type { LoggingLevel } from './logging';
import type { TerminalTaskCounter } from './metrics';

export interface AgentHttpContext {
  readonly core: AgentCore;
  readonly flags: AgentFlags;
  readonly launcherDir: string;
  readonly files: Files;
  readonly containerizer: Containerizer;
  readonly build: BuildInfo;
  /** Seconds since the epoch. */
  readonly startTime: number;
  readonly hostname: string;
  readonly attributes: readonly Attribute[];
  /** Capability names the agent registers with. */
  readonly capabilities: readonly string[];
  readonly logging: LoggingLevel;
  readonly counters: TerminalTaskCounter;
  readonly log: Logger;
  /** The current master's hostname, once one is known. */
  masterHostname(): string | undefined;
  /** Whether a session with the master is open. */
  registered(): boolean;
  /** The drain in progress, if any. */
  drainConfig(): DrainConfig | undefined;
  /** Milliseconds since the epoch. */
  now(): number;
}
