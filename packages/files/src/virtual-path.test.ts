import { isWithin, matchAttachment, normalizeVirtualPath } from './virtual-path';

describe('normalizeVirtualPath', () => {
  it.each([
    ['/a/b', '/a/b'],
    ['a/b/', '/a/b'],
    ['//a///b/./c/', '/a/b/c'],
    ['/', '/'],
    ['/./', '/'],
    ['/a/../b', '/a/../b'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeVirtualPath(input)).toEqual({ ok: true, value: expected });
  });

  it('refuses empty paths and NUL characters, naming the path', () => {
    const empty = normalizeVirtualPath('');
    expect(empty.ok).toBe(false);
    const nul = normalizeVirtualPath('/a\0b');
    expect(!nul.ok && nul.error.message).toBe("Path '/a\\x00b' contains a NUL character");
    expect(!nul.ok && nul.error.httpStatus).toBe(400);
    expect(normalizeVirtualPath('/' + 'a'.repeat(5000)).ok).toBe(false);
  });
});

describe('matchAttachment', () => {
  const attachments = new Map([
    ['/sandbox', '/real/sandbox'],
    ['/sandbox/inner', '/real/other'],
    ['/master/log', '/var/log/master.log'],
  ]);

  it('takes the longest whole-component prefix', () => {
    expect(matchAttachment(attachments, '/sandbox/inner/x')).toEqual({ ok: true, value: { virtualRoot: '/sandbox/inner', realRoot: '/real/other', rest: ['x'] } });
    expect(matchAttachment(attachments, '/sandbox/innerx')).toEqual({ ok: true, value: { virtualRoot: '/sandbox', realRoot: '/real/sandbox', rest: ['innerx'] } });
    expect(matchAttachment(attachments, '/master/log')).toEqual({ ok: true, value: { virtualRoot: '/master/log', realRoot: '/var/log/master.log', rest: [] } });
  });

  it('answers undefined when nothing is attached there', () => {
    expect(matchAttachment(attachments, '/sand')).toEqual({ ok: true, value: undefined });
    expect(matchAttachment(attachments, '/')).toEqual({ ok: true, value: undefined });
  });

  it('applies .. below the attachment and refuses climbing above it', () => {
    expect(matchAttachment(attachments, '/sandbox/a/../b')).toEqual({ ok: true, value: { virtualRoot: '/sandbox', realRoot: '/real/sandbox', rest: ['b'] } });
    const out = matchAttachment(attachments, '/sandbox/..');
    expect(!out.ok && out.error.message).toBe("Path '/sandbox/..' leads outside of '/sandbox'");
    expect(matchAttachment(attachments, '/sandbox/a/../../etc/passwd').ok).toBe(false);
  });
});

describe('isWithin', () => {
  it('compares whole components', () => {
    expect(isWithin('/a/b', '/a/b')).toBe(true);
    expect(isWithin('/a/b', '/a/b/c')).toBe(true);
    expect(isWithin('/a/b', '/a/bc')).toBe(false);
    expect(isWithin('/', '/etc')).toBe(true);
  });
});
