/**
 * How a task process ended, and the words Mesos uses for it in `TaskStatus.message` ("Command exited with
 * status 1", "Command terminated with signal Killed"): the status part of Mesos's `WSTRINGIFY`, with glibc's
 * `strsignal` descriptions.
 */

/** A process's end as Node reports it: an exit code, or the signal that killed it. */
export interface Termination {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

// glibc's `strsignal` texts (Linux numbering), which Mesos prints after "terminated with signal".
const SIGNAL_DESCRIPTIONS: Readonly<Partial<Record<NodeJS.Signals, string>>> = {
  SIGHUP: 'Hangup',
  SIGINT: 'Interrupt',
  SIGQUIT: 'Quit',
  SIGILL: 'Illegal instruction',
  SIGTRAP: 'Trace/breakpoint trap',
  SIGABRT: 'Aborted',
  SIGBUS: 'Bus error',
  SIGFPE: 'Floating point exception',
  SIGKILL: 'Killed',
  SIGUSR1: 'User defined signal 1',
  SIGSEGV: 'Segmentation fault',
  SIGUSR2: 'User defined signal 2',
  SIGPIPE: 'Broken pipe',
  SIGALRM: 'Alarm clock',
  SIGTERM: 'Terminated',
  SIGSTKFLT: 'Stack fault',
  SIGCHLD: 'Child exited',
  SIGCONT: 'Continued',
  SIGSTOP: 'Stopped (signal)',
  SIGTSTP: 'Stopped',
  SIGTTIN: 'Stopped (tty input)',
  SIGTTOU: 'Stopped (tty output)',
  SIGURG: 'Urgent I/O condition',
  SIGXCPU: 'CPU time limit exceeded',
  SIGXFSZ: 'File size limit exceeded',
  SIGVTALRM: 'Virtual timer expired',
  SIGPROF: 'Profiling timer expired',
  SIGWINCH: 'Window changed',
  SIGIO: 'I/O possible',
  SIGPWR: 'Power failure',
  SIGSYS: 'Bad system call',
};

/** `strsignal(signal)`: e.g. `Terminated` for SIGTERM; the signal's name for one glibc would call unknown. */
export function describeSignal(signal: NodeJS.Signals): string {
  return SIGNAL_DESCRIPTIONS[signal] ?? signal;
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
