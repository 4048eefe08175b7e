import { href, parseRoute } from './router';

describe('parseRoute', () => {
  it('reads every page', () => {
    expect(parseRoute('')).toEqual({ page: 'overview' });
    expect(parseRoute('#/')).toEqual({ page: 'overview' });
    expect(parseRoute('#/agents')).toEqual({ page: 'agents' });
    expect(parseRoute('#/agents/S1')).toEqual({ page: 'agent', agentId: 'S1' });
    expect(parseRoute('#/frameworks')).toEqual({ page: 'frameworks' });
    expect(parseRoute('#/frameworks/F-0001')).toEqual({ page: 'framework', frameworkId: 'F-0001' });
    expect(parseRoute('#/tasks')).toEqual({ page: 'tasks' });
    expect(parseRoute('#/roles')).toEqual({ page: 'roles' });
    expect(parseRoute('#/maintenance')).toEqual({ page: 'maintenance' });
    expect(parseRoute('#/nowhere/else')).toEqual({ page: 'not-found', path: '/nowhere/else' });
  });

  it('round-trips ids with slashes and spaces through the links', () => {
    expect(parseRoute(href.sandbox('F 1', 'a/b?c'))).toEqual({ page: 'sandbox', frameworkId: 'F 1', taskId: 'a/b?c' });
    expect(parseRoute(href.agent('S%1'))).toEqual({ page: 'agent', agentId: 'S%1' });
  });

  it('keeps a badly encoded part as it is', () => {
    expect(parseRoute('#/agents/%E0%A4%A')).toEqual({ page: 'agent', agentId: '%E0%A4%A' });
  });
});
