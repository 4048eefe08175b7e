import { execFileSync } from 'node:child_process';
import path from 'node:path';

describe('the README example (examples/subscribe-server.ts)', () => {
  it('subscribes to itself and prints the status, headers and two events', () => {
    const repo = path.resolve(__dirname, '../../..');
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--conditions=@mesos-ts/source', 'packages/http-api/examples/subscribe-server.ts'], {
      cwd: repo,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^200 application\/json [0-9a-f-]{36}$/);
    expect(lines.slice(1)).toEqual([
      '{"type":"SUBSCRIBED","subscribed":{"framework_id":{"value":"framework-1"},"heartbeat_interval_seconds":15.0}}',
      '{"type":"HEARTBEAT"}',
    ]);
  });
});
