import pino, { type Level, type Logger } from 'pino';

const LEVELS: Readonly<Record<string, Level>> = { INFO: 'info', WARNING: 'warn', ERROR: 'error' };

/**
 * An executor's pino logger: JSON lines on stderr, which the agent points at the sandbox's `stderr` file (the
 * command executor's task writes there too, as in Mesos). `--logging_level` maps INFO/WARNING/ERROR.
 */
export function createLogger(name: string, loggingLevel: string): Logger {
  const level = LEVELS[loggingLevel] ?? 'info';
  return pino({ level, base: { name, pid: process.pid } }, pino.destination({ fd: 2, sync: true }));
}
