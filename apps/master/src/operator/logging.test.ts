import { pinoLevelFor } from './logging';

describe('pinoLevelFor', () => {
  it('maps glog verbosity onto pino levels, never quieter than the starting level', () => {
    expect(pinoLevelFor(0, 'info')).toBe('info');
    expect(pinoLevelFor(1, 'info')).toBe('debug');
    expect(pinoLevelFor(2, 'info')).toBe('trace');
    expect(pinoLevelFor(7, 'error')).toBe('trace');
    expect(pinoLevelFor(1, 'trace')).toBe('trace');
    expect(pinoLevelFor(0, 'silent')).toBe('silent');
  });
});
