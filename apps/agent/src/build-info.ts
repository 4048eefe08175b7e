import { userInfo } from 'node:os';
import type { BuildInfo } from './state-json';

const LOADED_AT = Math.floor(Date.now() / 1000);

/**
 * The agent's build facts for `/state`, `/version` and GET_VERSION. tsup stamps them into the bundle (`env` in
 * tsup.config.ts); run from sources they fall back to the time this module was loaded and the current user, and
 * `git_sha` is left out, as Mesos leaves it out of builds made outside a git checkout.
 */
export function buildInfo(version: string): BuildInfo {
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
    version,
    build_date: new Date(buildTime * 1000).toISOString().replace('T', ' ').slice(0, 19),
    build_time: buildTime,
    build_user: user,
    ...(sha ? { git_sha: sha } : {}),
  };
}
