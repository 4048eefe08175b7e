import { fileInfoJson, modeString } from './file-info';

describe('FileInfo JSON model', () => {
  it('prints modes as ls does', () => {
    expect(modeString(0o040755)).toBe('drwxr-xr-x');
    expect(modeString(0o100644)).toBe('-rw-r--r--');
    expect(modeString(0o120777)).toBe('lrwxrwxrwx');
    expect(modeString(0o010600)).toBe('prw-------');
    expect(modeString(0o140000)).toBe('s---------');
    expect(modeString(0o020620)).toBe('crw--w----');
    expect(modeString(0o060660)).toBe('brw-rw----');
    expect(modeString(0o000001)).toBe('---------x');
  });

  it('models mtime in seconds and size as a number', () => {
    expect(
      fileInfoJson({ path: '/a/stdout', nlink: 1, size: 12n, mtime: { nanoseconds: 1_700_000_000_000_000_000n }, mode: 0o100640, uid: 'root', gid: 'adm' }),
    ).toEqual({ path: '/a/stdout', nlink: 1, size: 12, mtime: 1_700_000_000, mode: '-rw-r-----', uid: 'root', gid: 'adm' });
  });
});
