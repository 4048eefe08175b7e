import { isStrictSubroleOf, roleAncestors, validateRole } from './roles';

describe('roles', () => {
  it.each(['*', 'eng', 'eng/web', 'a.b', 'x-y', 'a/b/c'])('accepts %s', (role) => {
    expect(validateRole(role)).toBeUndefined();
  });

  it.each([
    ['', /empty/],
    ['/a', /start with a slash/],
    ['a/', /end with a slash/],
    ['a//b', /adjacent slashes/],
    ['a/./b', /'\.'/],
    ['..', /'\.\.'/],
    ['a/*', /'\*'/],
    ['-a', /dash/],
    ['a b', /whitespace/],
    ['a\tb', /whitespace/],
  ])('rejects %j', (role, reason) => {
    expect(validateRole(role)).toMatch(reason);
  });

  it('knows the role tree', () => {
    expect(isStrictSubroleOf('a/b', 'a')).toBe(true);
    expect(isStrictSubroleOf('a/b/c', 'a')).toBe(true);
    expect(isStrictSubroleOf('a', 'a')).toBe(false);
    expect(isStrictSubroleOf('ab', 'a')).toBe(false);
    expect(isStrictSubroleOf('a', 'a/b')).toBe(false);
    expect(roleAncestors('a/b/c')).toEqual(['a/b', 'a']);
    expect(roleAncestors('a')).toEqual([]);
  });
});
