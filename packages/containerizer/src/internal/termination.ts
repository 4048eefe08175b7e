/**
 * Describing how a process ended the way wait(2) and Mesos's messages do: status `code << 8` or the signal number,
 * and "exited with status N" / "terminated with signal <description>".
 */
import { constants } from 'node:os';
import type { ContainerTermination } from '../types';

// What glibc's strsignal(3) says for each Linux signal, so messages read as Mesos's do ("signal Killed").
const DESCRIPTIONS: Readonly<Record<string, string>> = {
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

/** strsignal(3)'s words for `signal` (e.g. `SIGKILL` -> `Killed`); the name itself when unknown. */
export function describeSignal(signal: string): string {
  return DESCRIPTIONS[signal] ?? signal;
}

/**
 * The termination of a process that ended with exit `code` or by `signal` (Node's 'exit' event arguments).
 * `prefix` goes before the message (e.g. "Container destroyed: ").
 */
export function describeExit(code: number | null, signal: NodeJS.Signals | null, prefix = ''): ContainerTermination {
  if (signal !== null) {
    const number = (constants.signals as Record<string, number | undefined>)[signal];
    return {
      ...(number !== undefined ? { status: number } : {}),
      signal,
      message: `${prefix}Command terminated with signal ${describeSignal(signal)}`,
    };
  }
  if (code !== null) {
    return { status: (code & 0xff) << 8, exitCode: code, message: `${prefix}Command exited with status ${code}` };
  }
  return { message: `${prefix}Command ended, status unknown` };
}
