import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIdNames, parseIdFile } from './id-names';

describe('owner names', () => {
  it('parses passwd/group lines, first name of an id wins', () => {
    const ids = parseIdFile('root:x:0:0:root:/root:/bin/bash\n# comment\nbad line\nalias:x:0:0::/:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n');
    expect([...ids]).toEqual([
      [0, 'root'],
      [65534, 'nobody'],
    ]);
  });

  it('falls back to the number and rereads after the ttl', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ids-'));
    const passwd = join(dir, 'passwd');
    writeFileSync(passwd, 'alice:x:1000:1000::/:/bin/sh\n');
    let now = 0;
    const names = createIdNames({ passwdPath: passwd, groupPath: join(dir, 'missing'), ttlMs: 100, now: () => now });
    expect(names.user(1000)).toBe('alice');
    expect(names.user(1001)).toBe('1001');
    expect(names.group(1000)).toBe('1000');
    writeFileSync(passwd, 'bob:x:1000:1000::/:/bin/sh\n');
    expect(names.user(1000)).toBe('alice');
    now = 200;
    expect(names.user(1000)).toBe('bob');
  });
});
