import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import pino, { type Level, type Logger } from 'pino';
import type { MasterFlags } from './flags';

const LEVELS: Readonly<Record<string, Level>> = { INFO: 'info', WARNING: 'warn', ERROR: 'error' };

/**
 * The master's pino logger: JSON lines on stderr (where glog writes), and also to `<log_dir>/mesos-master.log`
 * when `--log_dir` is set. `--logging_level` maps INFO/WARNING/ERROR to pino's info/warn/error.
 */
export function createLogger(flags: Pick<MasterFlags, 'logging_level' | 'log_dir'>): Logger {
  const level = LEVELS[flags.logging_level] ?? 'info';
  const streams: pino.StreamEntry[] = [{ level, stream: pino.destination({ fd: 2, sync: true }) }];
  if (flags.log_dir !== undefined) {
    mkdirSync(flags.log_dir, { recursive: true });
    streams.push({ level, stream: pino.destination({ dest: join(flags.log_dir, 'mesos-master.log'), sync: true, mkdir: true }) });
  }
  return pino({ level, base: { name: 'mesos-master', pid: process.pid } }, pino.multistream(streams));
}
