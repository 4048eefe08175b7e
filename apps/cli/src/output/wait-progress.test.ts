import { createWaitProgress } from './wait-progress';

describe('createWaitProgress', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('draws nothing when stderr is not a terminal', () => {
    expect(createWaitProgress({ write: () => undefined })).toBeUndefined();
    expect(createWaitProgress({ write: () => undefined, isTTY: false })).toBeUndefined();
  });

  it('draws nothing for a fast answer', () => {
    const out: string[] = [];
    const stop = createWaitProgress({ write: (t) => void out.push(t), isTTY: true })!('Waiting for the master');
    jest.advanceTimersByTime(100);
    stop();
    jest.advanceTimersByTime(1000);
    expect(out).toEqual([]);
  });

  it('redraws one line in place while waiting and erases it at the end', () => {
    const out: string[] = [];
    let now = 0;
    const stop = createWaitProgress({ write: (t) => void out.push(t), isTTY: true }, { now: () => now })!('Waiting for the master to answer GET_STATE');
    now = 300;
    jest.advanceTimersByTime(300);
    expect(out).toEqual(['\r\x1b[2K| Waiting for the master to answer GET_STATE']);
    now = 2000;
    jest.advanceTimersByTime(150);
    expect(out[1]).toBe('\r\x1b[2K/ Waiting for the master to answer GET_STATE (2s)');
    stop();
    expect(out.at(-1)).toBe('\r\x1b[2K');
    const count = out.length;
    jest.advanceTimersByTime(1000);
    expect(out).toHaveLength(count);
  });
});
