/**
 * How a task process ended, and the words Mesos uses for it in `TaskStatus.message` ("Command exited with
 * status 1", "Command terminated with signal Killed"): the status part of Mesos's `WSTRINGIFY`, with glibc's
 * `strsignal` descriptions.
 */
import { describeSignal as describeSignalText } from '@mesos-ts/containerizer';

/** A process's end as Node reports it: an exit code, or the signal that killed it. */
export interface Termination {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** `strsignal(signal)`: e.g. `Terminated` for SIGTERM (the containerizer's table, so both word it the same). */
export function describeSignal(signal: NodeJS.Signals): string {
  return describeSignalText(signal);
}

/** `exited with status N` or `terminated with signal <description>`. */
export function describeTermination(termination: Termination): string {
  if (termination.signal !== null) return `terminated with signal ${describeSignal(termination.signal)}`;
  return `exited with status ${termination.code ?? 'unknown'}`;
}

/** Whether the process exited by itself with status 0 (`WSUCCEEDED`). */
export function succeeded(termination: Termination): boolean {
  return termination.signal === null && termination.code === 0;
}
