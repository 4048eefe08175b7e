/**
 * Role names, as Mesos's `roles::validate` and `roles::isStrictSubroleOf`.
 * Roles form a tree by '/': `eng/web` is a child of `eng`. `*` is the default
 * role and means "unreserved" when it appears as a resource's role.
 */

// Tab, LF, VT, FF, CR, space and DEL are not allowed in a role component.
const INVALID_ROLE_CHARS = /[\x09-\x0d\x20\x7f]/;

/** Returns why `role` is not a valid role name, or undefined when it is. */
export function validateRole(role: string): string | undefined {
  if (role === '*') return undefined;
  if (role.length === 0) return 'role names cannot be the empty string';
  if (role.startsWith('/')) return `role '${role}' cannot start with a slash`;
  if (role.endsWith('/')) return `role '${role}' cannot end with a slash`;
  if (role.includes('//')) return `role '${role}' cannot contain two adjacent slashes`;
  for (const component of role.split('/')) {
    if (component === '.') return `role '${role}' cannot include '.' as a component`;
    if (component === '..') return `role '${role}' cannot include '..' as a component`;
    if (component === '*') return `role '${role}' cannot include '*' as a component`;
    if (component.startsWith('-')) return `role component '${component}' is invalid because it starts with a dash`;
    if (INVALID_ROLE_CHARS.test(component)) return `role component '${component}' is invalid because it contains backspace or whitespace`;
  }
  return undefined;
}

/** Whether `child` is strictly below `parent` in the role tree (`a/b` is below `a`; `ab` is not). */
export function isStrictSubroleOf(child: string, parent: string): boolean {
  return child.length > parent.length && child.charCodeAt(parent.length) === 47 /* '/' */ && child.startsWith(parent);
}

/** `a/b/c` -> [`a/b`, `a`] (nearest first). */
export function roleAncestors(role: string): string[] {
  const out: string[] = [];
  for (let i = role.length - 1; i >= 0; i--) if (role.charCodeAt(i) === 47) out.push(role.slice(0, i));
  return out;
}
