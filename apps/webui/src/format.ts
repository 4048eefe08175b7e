/** Display formatting: sizes, times, state names. */
import type { TimeInfo } from './state/types';

/** Megabytes (Mesos's unit for mem and disk) as `512 MB`, `1.5 GB`, `2 TB`. */
export function formatMegabytes(mb: number): string {
  if (mb >= 1024 * 1024) return `${trim(mb / (1024 * 1024))} TB`;
  if (mb >= 1024) return `${trim(mb / 1024)} GB`;
  return `${trim(mb)} MB`;
}

/** Bytes as `12 B`, `3.4 KB`, ... */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${trim(bytes / 1024)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${trim(bytes / (1024 * 1024))} MB`;
  return `${trim(bytes / (1024 * 1024 * 1024))} GB`;
}

function trim(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** A quantity of `kind` for people: cpus and gpus as numbers, mem and disk as sizes. */
export function formatQuantity(kind: string, value: number): string {
  return kind === 'mem' || kind === 'disk' ? formatMegabytes(value) : trim(value);
}

/** `TASK_RUNNING` -> `RUNNING`. */
export function shortState(state: string): string {
  return state.replace(/^TASK_/, '');
}

/** Seconds since the epoch -> local date and time. */
export function formatSeconds(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return '—';
  return new Date(seconds * 1000).toLocaleString();
}

/** A TimeInfo (nanoseconds as number or string) -> local date and time. */
export function formatTimeInfo(time: TimeInfo | undefined): string {
  const ns = time?.nanoseconds;
  if (ns === undefined) return '—';
  return formatSeconds(Number(ns) / 1e9);
}

/** Nanoseconds -> `1h 30m`, `45s`. */
export function formatDurationNs(ns: number | string | undefined): string {
  if (ns === undefined) return '—';
  let seconds = Math.round(Number(ns) / 1e9);
  if (!Number.isFinite(seconds)) return '—';
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (seconds >= size) {
      parts.push(`${Math.floor(seconds / size)}${unit}`);
      seconds %= size;
    }
  }
  if (seconds > 0 || parts.length === 0) parts.push(`${seconds}s`);
  return parts.join(' ');
}
