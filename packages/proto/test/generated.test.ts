import { spawnSync } from 'node:child_process';
import path from 'node:path';

describe('packages/proto/src/gen', () => {
  it('is what tools/proto/generate.mjs makes from proto/ (run `npm run gen:proto` after editing a .proto)', () => {
    const repo = path.resolve(__dirname, '../../..');
    const r = spawnSync(process.execPath, [path.join(repo, 'tools/proto/generate.mjs'), '--check'], { cwd: repo, encoding: 'utf8' });
    if (r.error) throw r.error;
    expect(`${r.stdout}${r.stderr}`).toContain('is up to date');
    expect(r.status).toBe(0);
  });
});
