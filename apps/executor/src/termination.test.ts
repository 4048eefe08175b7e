import { describeSignal, describeTermination, succeeded } from './termination';

describe('describeTermination', () => {
  it("uses Mesos's words: exit status, or strsignal's description", () => {
    expect(describeTermination({ code: 0, signal: null })).toBe('exited with status 0');
    expect(describeTermination({ code: 127, signal: null })).toBe('exited with status 127');
    expect(describeTermination({ code: null, signal: 'SIGTERM' })).toBe('terminated with signal Terminated');
    expect(describeTermination({ code: null, signal: 'SIGKILL' })).toBe('terminated with signal Killed');
    expect(describeTermination({ code: null, signal: 'SIGSEGV' })).toBe('terminated with signal Segmentation fault');
  });

  it('falls back to the name for a signal without a description', () => {
    expect(describeSignal('SIGLOST' as NodeJS.Signals)).toBe('SIGLOST');
  });

  it('succeeded only for exit status 0', () => {
    expect(succeeded({ code: 0, signal: null })).toBe(true);
    expect(succeeded({ code: 1, signal: null })).toBe(false);
    expect(succeeded({ code: null, signal: 'SIGTERM' })).toBe(false);
  });
});
