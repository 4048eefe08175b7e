import { userInfo } from 'node:os';
import pkg from '../package.json';

/** The `/version` body, in the shape of Mesos's `internal::version()` (`src/version/version.cpp`). */
export interface VersionInfo {
  readonly build_date: string;
  readonly build_time: number;
  readonly build_user: string;
  readonly git_sha?: string;
  readonly git_tag?: string;
  /** The Mesos version whose APIs this master speaks, as tools compare it (`1.11.0`). */
  readonly version: string;
  /** Beyond Mesos: the mesos-ts release itself. */
  readonly mesos_ts_version: string;
}

/** The Mesos release whose wire formats and semantics mesos-ts follows; what `/version` and MasterInfo report. */
export const MESOS_VERSION = '1.11.0';

/**
 * Build facts are stamped into the bundle by tsup (`env` in tsup.config.ts); run from sources (tsx, jest) they
 * fall back to the time this module was loaded and the current user, and `git_sha` is left out, as Mesos leaves
 * it out of builds made outside a git checkout.
 */
export function versionInfo(): VersionInfo {
  const stamped = Number(process.env['MESOS_TS_BUILD_TIME']);
  const buildTime = Number.isFinite(stamped) && stamped > 0 ? stamped : LOADED_AT;
  const sha = process.env['MESOS_TS_GIT_SHA'];
  let user = process.env['MESOS_TS_BUILD_USER'];
  if (user === undefined || user === '') {
    try {
      user = userInfo().username;
    } catch {
      user = 'unknown';
    }
  }
  return {
    build_date: new Date(buildTime * 1000).toISOString().replace('T', ' ').slice(0, 19),
    build_time: buildTime,
    build_user: user,
    ...(sha ? { git_sha: sha } : {}),
    version: MESOS_VERSION,
    mesos_ts_version: pkg.version,
  };
}

const LOADED_AT = Math.floor(Date.now() / 1000);
