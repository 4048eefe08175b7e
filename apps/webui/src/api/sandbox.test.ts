import { findSandbox, virtualSandbox } from './sandbox';

describe('findSandbox', () => {
  const state = {
    frameworks: [
      {
        id: 'F1',
        executors: [{ id: 'e1', directory: '/w/e1', tasks: [{ id: 'a' }], queued_tasks: [{ id: 'q' }] }],
        completed_executors: [{ id: 'done', directory: '/w/done', completed_tasks: [{ id: 'old' }] }],
      },
    ],
    completed_frameworks: [{ id: 'F0', completed_executors: [{ id: 'x', directory: '/w/x', completed_tasks: [{ id: 'gone' }] }] }],
  };

  it('finds the executor directory holding the task, live or completed', () => {
    expect(findSandbox(state, 'F1', 'a', '')).toBe('/w/e1');
    expect(findSandbox(state, 'F1', 'q', '')).toBe('/w/e1');
    expect(findSandbox(state, 'F1', 'old', '')).toBe('/w/done');
    expect(findSandbox(state, 'F0', 'gone', '')).toBe('/w/x');
    expect(findSandbox(state, 'F1', 'unlisted', 'e1')).toBe('/w/e1');
  });

  it('answers undefined for an unknown task or framework', () => {
    expect(findSandbox(state, 'F1', 'nope', '')).toBeUndefined();
    expect(findSandbox(state, 'F9', 'a', '')).toBeUndefined();
    expect(findSandbox({}, 'F1', 'a', '')).toBeUndefined();
  });
});

describe('virtualSandbox', () => {
  it('uses the task id for a command task, the executor id otherwise', () => {
    expect(virtualSandbox('F', 't', '')).toBe('/frameworks/F/executors/t/runs/latest');
    expect(virtualSandbox('F', 't', 'e')).toBe('/frameworks/F/executors/e/runs/latest');
  });
});
