import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import pino, { type Level, type Logger } from 'pino';
import type { MasterFlags } from './flags';

const LEVELS: Readonly<Record<string, Level>> = { INFO: 'info', WARNING: 'warn', ERROR: 'error' };

/**
 * The master's pino logger: JSON lines on stderr (where glog writes), and also to `<log_dir>/mesos-master.log`
 * when `--log_dir` is set. `--logging_level` maps INFO/WARNING/ERROR to pino's info/warn/error.
 *
 * Writes are asynchronous, gathered into blocks of 4 KiB and flushed at least every 100 ms: under load the master logs a few lines per task, and
 * synchronous writes cost it a tenth of its CPU (profiled with `npm run bench:e2e`). What is still buffered is
 * written synchronously when the process exits, so nothing is lost on a clean stop or `process.exit`.
 */
export function createLogger(flags: Pick<MasterFlags, 'logging_level' | 'log_dir'>): Logger {
  const level = LEVELS[flags.logging_level] ?? 'info';
  const destinations = [pino.destination({ fd: 2, sync: false, minLength: 4096, periodicFlush: 100 })];
  if (flags.log_dir !== undefined) {
    mkdirSync(flags.log_dir, { recursive: true });
    destinations.push(pino.destination({ dest: join(flags.log_dir, 'mesos-master.log'), sync: false, minLength: 4096, periodicFlush: 100, mkdir: true }));
  }
  process.once('exit', () => {
    for (const destination of destinations) {
      try {
        destination.flushSync();
      } catch {
        // Not open yet, or the descriptor is gone: nothing more can be written.
      }
    }
  });
  const options = { level, base: { name: 'mesos-master', pid: process.pid } };
  // One destination (no --log_dir, the usual case) needs no multistream: it costs a dispatch per line, and the
  // master logs a few lines per task.
  const [only] = destinations;
  if (destinations.length === 1 && only !== undefined) return pino(options, only);
  const streams: pino.StreamEntry[] = destinations.map((stream) => ({ level, stream }));
  return pino(options, pino.multistream(streams));
}
