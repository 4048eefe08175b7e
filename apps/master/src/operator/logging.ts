/**
 * GET_LOGGING_LEVEL / SET_LOGGING_LEVEL. Mesos answers with glog's verbosity (`FLAGS_v`, 0 by default) and lets
 * the operator raise it for a while (libprocess's `Logging::set_level`). Our logs go through pino, so the verbosity
 * is kept as a number and mapped onto the logger's level: 0 is the level the master started with (`--logging_level`),
 * 1 is `debug`, 2 and above `trace`. After `duration` the level goes back to 0, as libprocess reverts it.
 */
import type { MasterCore } from '../core';

interface LoggingState {
  level: number;
  /** The pino level the master started with; verbosity 0 restores it. */
  readonly base: string;
  revert: { cancel(): void } | undefined;
}

const states = new WeakMap<MasterCore, LoggingState>();

function stateOf(core: MasterCore): LoggingState {
  let state = states.get(core);
  if (state === undefined) {
    state = { level: 0, base: core.log.level, revert: undefined };
    states.set(core, state);
  }
  return state;
}

/** The current glog-style verbosity. */
export function loggingLevel(core: MasterCore): number {
  return stateOf(core).level;
}

/** pino's numeric values of its levels (lower logs more); `silent` logs nothing. */
const LEVEL_VALUES: Readonly<Record<string, number>> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

/** The pino level a verbosity maps to: never quieter than `base`, the level the master started with. */
export function pinoLevelFor(level: number, base: string): string {
  if (level <= 0) return base;
  const wanted = level === 1 ? 'debug' : 'trace';
  return (LEVEL_VALUES[base] ?? 30) <= LEVEL_VALUES[wanted]! ? base : wanted;
}

/**
 * Sets the verbosity for `durationMs`, then reverts to 0. A later call replaces the pending revert, as
 * libprocess's does.
 */
export function setLoggingLevel(core: MasterCore, level: number, durationMs: number): void {
  const state = stateOf(core);
  state.revert?.cancel();
  state.revert = undefined;
  state.level = level;
  core.log.level = pinoLevelFor(level, state.base);
  core.log.info({ level, durationMs }, `Set logging level to ${level} for ${durationMs / 1000} secs`);
  if (level !== 0) {
    state.revert = core.timer(durationMs, () => {
      state.revert = undefined;
      state.level = 0;
      core.log.level = state.base;
      core.log.info('Reverted logging level to 0');
    });
  }
}
