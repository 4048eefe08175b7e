/**
 * `@mesos-ts/master/testing`: harnesses for code that drives a master in-process (tests, the simulator): loading
 * flags without a command line, starting a quiet master on a free loopback port, and {@link FakeAgent}, an agent
 * that speaks the master-agent protocol over real HTTP and runs tasks instantly.
 */
import { parseFlags } from '@mesos-ts/flags';
import pino from 'pino';
import { masterFlagSpec, type MasterFlags } from '../flags';
import { startMaster, type RunningMaster, type StartMasterOptions } from '../master';

export { FakeAgent, type FakeAgentOptions, type FakeTask, type LaunchBehaviour } from './fake-agent';

/**
 * Master flags from command-line style arguments (e.g. `['--offer_timeout=1secs']`) over Mesos's defaults, with
 * `--ip=127.0.0.1 --port=0` unless given. Throws on a bad flag.
 */
export function masterFlags(argv: readonly string[] = []): MasterFlags {
  const loaded = parseFlags(masterFlagSpec, { argv: ['--ip=127.0.0.1', '--port=0', ...argv], env: {} });
  if (!loaded.ok) throw loaded.error;
  return loaded.value.flags;
}

/** Options of {@link startTestMaster}. */
export interface TestMasterOptions extends StartMasterOptions {
  /** Flag values to override after parsing, bypassing flag validation (e.g. `agent_ping_timeout: 100`). */
  readonly overrides?: Partial<MasterFlags>;
  /** pino level; default `silent`. */
  readonly logLevel?: pino.LevelWithSilent;
}

/** Starts a master on 127.0.0.1 with a free port and a silent logger. Stop it with `stop()`. */
export function startTestMaster(argv: readonly string[] = [], options: TestMasterOptions = {}): Promise<RunningMaster> {
  const flags = { ...masterFlags(argv), ...options.overrides } as MasterFlags;
  const logger = pino({ level: options.logLevel ?? 'silent' });
  return startMaster(flags, logger, options);
}
