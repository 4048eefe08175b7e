/**
 * Looking up a Unix user by name, as the launcher needs it to switch to the task's user: through `getent passwd`
 * (so NSS sources such as LDAP count), or by reading /etc/passwd where getent is missing.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/** A user's numeric identity. */
export interface UserIdentity {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

/** Why a lookup failed: the user does not exist, or the lookup itself broke. */
export type UserLookup =
  | { readonly found: true; readonly user: UserIdentity }
  | { readonly found: false; readonly reason: string };

/** Parses one passwd(5) line (`name:password:uid:gid:gecos:home:shell`); undefined if malformed. */
export function parsePasswdLine(line: string): UserIdentity | undefined {
  const fields = line.split(':');
  if (fields.length < 7) return undefined;
  const [name, , uidText, gidText, , home] = fields;
  const uid = Number(uidText);
  const gid = Number(gidText);
  if (!name || !Number.isInteger(uid) || uid < 0 || !Number.isInteger(gid) || gid < 0) return undefined;
  return { name, uid, gid, home: home ?? '' };
}

/** Finds `name` in the text of a passwd file. */
export function findInPasswd(text: string, name: string): UserIdentity | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}:`)) continue;
    const user = parsePasswdLine(line);
    if (user?.name === name) return user;
  }
  return undefined;
}

/** A name getent and passwd(5) could hold: no separators, no whitespace, not empty, not an option. */
function plausibleName(name: string): boolean {
  return name.length > 0 && name.length <= 256 && !name.startsWith('-') && !/[:\s\0/]/.test(name);
}

function getent(program: string, name: string): Promise<{ code: number | string | null; stdout: string }> {
  return new Promise((resolve) => {
    execFile(program, ['passwd', name], { timeout: 10_000 }, (error, stdout) => {
      const code = error ? ((error as NodeJS.ErrnoException & { code?: number | string }).code ?? null) : 0;
      resolve({ code, stdout: String(stdout) });
    });
  });
}

/** Where {@link lookupUser} looks (tests point these elsewhere). */
export interface LookupSources {
  /** The getent program (default `getent`, found through PATH). */
  readonly getent?: string;
  /** The passwd file read when getent is missing or fails (default `/etc/passwd`). */
  readonly passwdFile?: string;
}

/**
 * Resolves `name` to its uid and gid. getent exits 2 for a name it does not know; other failures fall back to
 * the passwd file. Never throws.
 */
export async function lookupUser(name: string, sources: LookupSources = {}): Promise<UserLookup> {
  const { getent: program = 'getent', passwdFile = '/etc/passwd' } = sources;
  if (!plausibleName(name)) return { found: false, reason: `'${name}' is not a valid user name` };
  const viaGetent = await getent(program, name);
  if (viaGetent.code === 0) {
    const user = findInPasswd(viaGetent.stdout, name);
    if (user) return { found: true, user };
  }
  if (viaGetent.code === 2) return { found: false, reason: `unknown user '${name}'` };
  try {
    const user = findInPasswd(await readFile(passwdFile, 'utf8'), name);
    return user ? { found: true, user } : { found: false, reason: `unknown user '${name}'` };
  } catch (error) {
    return { found: false, reason: `cannot look up user '${name}': ${(error as Error).message}` };
  }
}
