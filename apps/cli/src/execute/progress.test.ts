import { OfferProgress } from './progress';

describe('OfferProgress', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('in a log: a line at the start, one every reportEveryMs with what was declined, nothing at stop', () => {
    let text = '';
    let now = 0;
    const progress = new OfferProgress({ write: (t) => void (text += t) }, 'cpus:1; mem:128', { reportEveryMs: 10_000, now: () => now });
    progress.start();
    expect(text).toBe('Waiting for an offer that fits cpus:1; mem:128\n');
    progress.declined('needs cpus:1; mem:128, offered cpus:0.5; mem:64');
    now = 10_000;
    jest.advanceTimersByTime(1000);
    expect(text).toBe('Waiting for an offer that fits cpus:1; mem:128\nStill waiting for an offer (10s, 1 offer declined, last: needs cpus:1; mem:128, offered cpus:0.5; mem:64)\n');
    progress.stop();
    now = 30_000;
    jest.advanceTimersByTime(30_000);
    expect(text.split('\n')).toHaveLength(3);
  });

  it('on a terminal: one line redrawn in place, erased at stop', () => {
    const writes: string[] = [];
    let now = 0;
    const progress = new OfferProgress({ write: (t) => void writes.push(t), isTTY: true }, 'cpus:1', { tickMs: 100, now: () => now });
    progress.start();
    expect(writes).toEqual(['\r\x1b[2K| Waiting for an offer that fits cpus:1 (0s, no offer yet)']);
    now = 2000;
    progress.declined('too small');
    progress.declined('too small');
    jest.advanceTimersByTime(100);
    expect(writes[1]).toBe('\r\x1b[2K/ Waiting for an offer that fits cpus:1 (2s, 2 offers declined, last: too small)');
    progress.stop();
    expect(writes.at(-1)).toBe('\r\x1b[2K');
    const count = writes.length;
    jest.advanceTimersByTime(1000);
    expect(writes).toHaveLength(count);
  });
});
