import { describeExit, describeSignal } from './termination';

describe('describeExit', () => {
  it('describes a normal exit as wait(2) does', () => {
    expect(describeExit(0, null)).toEqual({ status: 0, exitCode: 0, message: 'Command exited with status 0' });
    expect(describeExit(1, null)).toEqual({ status: 256, exitCode: 1, message: 'Command exited with status 1' });
    expect(describeExit(255, null).status).toBe(255 << 8);
  });

  it('describes death by a signal with its number and strsignal words', () => {
    expect(describeExit(null, 'SIGKILL')).toEqual({
      status: 9,
      signal: 'SIGKILL',
      message: 'Command terminated with signal Killed',
    });
    expect(describeExit(null, 'SIGSEGV', 'Container destroyed: ').message).toBe(
      'Container destroyed: Command terminated with signal Segmentation fault',
    );
  });

  it('says when the status is unknown', () => {
    expect(describeExit(null, null)).toEqual({ message: 'Command ended, status unknown' });
  });

  it('falls back to the signal name', () => {
    expect(describeSignal('SIGRTMIN')).toBe('SIGRTMIN');
  });
});
