import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findInPasswd, lookupUser, parsePasswdLine } from './users';

describe('passwd parsing', () => {
  const passwd = [
    'root:x:0:0:root:/root:/bin/bash',
    'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
    'broken:x:abc:1::/:/bin/sh',
    '',
  ].join('\n');

  it('finds a user by exact name', () => {
    expect(findInPasswd(passwd, 'nobody')).toEqual({ name: 'nobody', uid: 65534, gid: 65534, home: '/nonexistent' });
    expect(findInPasswd(passwd, 'nob')).toBeUndefined();
    expect(findInPasswd(passwd, 'broken')).toBeUndefined();
  });

  it('rejects malformed lines', () => {
    expect(parsePasswdLine('a:b:c')).toBeUndefined();
    expect(parsePasswdLine(':x:1:1::/:/bin/sh')).toBeUndefined();
    expect(parsePasswdLine('a:x:-1:1::/:/bin/sh')).toBeUndefined();
  });
});

describe('lookupUser', () => {
  it('resolves root', async () => {
    const root = await lookupUser('root');
    expect(root).toEqual({ found: true, user: expect.objectContaining({ name: 'root', uid: 0, gid: 0 }) });
  });

  it('says which user does not exist', async () => {
    expect(await lookupUser('no-such-user-xyz')).toEqual({ found: false, reason: "unknown user 'no-such-user-xyz'" });
  });

  it.each(['', 'a:b', 'two words', '-n', 'a/b'])('refuses the implausible name %j', async (name) => {
    expect(await lookupUser(name)).toEqual({ found: false, reason: `'${name}' is not a valid user name` });
  });

  it("trusts getent's 'no such user' over the passwd file", async () => {
    await withPasswd(async (file) => {
      expect((await lookupUser('only-in-file', { passwdFile: file })).found).toBe(false);
    });
  });

  it('reads the passwd file where getent is missing', async () => {
    await withPasswd(async (passwdFile, dir) => {
      const sources = { passwdFile, getent: `${dir}/no-getent-here` };
      expect(await lookupUser('only-in-file', sources)).toEqual({
        found: true,
        user: { name: 'only-in-file', uid: 1234, gid: 1235, home: '/home/f' },
      });
      expect(await lookupUser('root', sources)).toEqual({ found: false, reason: "unknown user 'root'" });
      expect(await lookupUser('root', { getent: sources.getent, passwdFile: `${dir}/missing` })).toEqual({
        found: false,
        reason: expect.stringMatching(/^cannot look up user 'root': ENOENT/),
      });
    });
  });
});

async function withPasswd(body: (file: string, dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'passwd-'));
  try {
    const file = join(dir, 'passwd');
    await writeFile(file, 'only-in-file:x:1234:1235::/home/f:/bin/sh\n');
    await body(file, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
