import { execFileSync } from 'node:child_process';
import path from 'node:path';

describe('the README example (examples/embedded-scheduler.ts)', () => {
  it('runs and splits the cluster 2:1 by weight, as the README says', () => {
    const repo = path.resolve(__dirname, '../../..');
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--conditions=@mesos-ts/source', 'packages/allocator/examples/embedded-scheduler.ts'], {
      cwd: repo,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      encoding: 'utf8',
    });
    expect(out).toContain('running tasks: {"web":8,"batch":4}');
    expect(out).toMatch(/Role 'batch': the framework declined .* agent\(s\); they are filtered until/);
  });
});
