import pino from 'pino';

/** The agent's structured logger: one JSON object per line. */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** Changes the least severe level written (SET_LOGGING_LEVEL); loggers that cannot change ignore it. */
  setLevel?(level: 'info' | 'debug' | 'trace'): void;
}

/**
 * pino writing JSON lines (`{"level","time","name","msg",...fields}`, level as
 * its name, ISO time) to stdout, or to `write` when given (tests).
 */
export function createJsonLogger(write?: (line: string) => void): Logger {
  const destination = write ? { write } : pino.destination({ fd: 1, sync: true });
  const logger = pino(
    { base: { name: 'mesos-agent' }, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } },
    destination,
  );
  return {
    info: (msg, fields = {}) => logger.info(fields, msg),
    warn: (msg, fields = {}) => logger.warn(fields, msg),
    error: (msg, fields = {}) => logger.error(fields, msg),
    setLevel: (level) => {
      logger.level = level;
    },
  };
}

/** Discards everything (tests, embedders that do not want logs). */
export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
