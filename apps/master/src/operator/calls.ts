/**
 * The operator calls this module answers (src/master/http.cpp `getHealth` ... `teardown`): reads of the master's
 * state, logging level, roles, weights, quota and framework teardown. Reservations, volumes, maintenance, agent
 * draining and files have their own tables (reservations.ts, maintenance.ts, files.ts); operator/index.ts merges them.
 */
import { master, type Flag, type Metric } from '@mesos-ts/proto';
import type { MasterCore } from '../core';
import { flagsModel } from '../flags';
import { removeFramework } from '../frameworks';
import { snapshotOf } from '../metrics';
import { operationsOf } from '../reservations-apply';
import { versionInfo } from '../version';
import { getAgents, getExecutors, getFrameworks, getState, getTasks } from './convert';
import { answer, type OperatorAnswer, type OperatorHandlers } from './handler';
import { loggingLevel, setLoggingLevel } from './logging';
import { quotaStatus, removeQuota, setQuotaRequest, updateQuota, type QuotaOutcome } from './quota';
import { getRoles, updateWeights, weightInfos } from './roles';

const R = master.Response_Type;
const C = master.Call_Type;

function quotaAnswer(outcome: QuotaOutcome): OperatorAnswer {
  return outcome.ok ? answer.ok() : answer.error(outcome.status, outcome.message);
}

/** GET_VERSION's VersionInfo, from the same facts as `/version`. */
function version(): master.Response_GetVersion {
  const v = versionInfo();
  const info: master.Response_GetVersion['versionInfo'] = { version: v.version, buildDate: v.build_date, buildTime: v.build_time, buildUser: v.build_user };
  if (v.git_sha !== undefined) info.gitSha = v.git_sha;
  if (v.git_tag !== undefined) info.gitTag = v.git_tag;
  return { versionInfo: info };
}

/** Handlers for the calls of this module, by type. */
export const coreOperatorHandlers: OperatorHandlers = {
  [C.GET_HEALTH]: () => answer.response({ type: R.GET_HEALTH, getHealth: { healthy: true } }),

  [C.GET_FLAGS]: (core) => {
    const flags: Flag[] = Object.entries(flagsModel(core.flags)).map(([name, value]) => ({ name, value }));
    return answer.response({ type: R.GET_FLAGS, getFlags: { flags } });
  },

  [C.GET_VERSION]: () => answer.response({ type: R.GET_VERSION, getVersion: version() }),

  // The snapshot is computed synchronously, so `timeout` can never cut it short; it is accepted and ignored.
  [C.GET_METRICS]: (core) => {
    const metrics: Metric[] = Object.entries(snapshotOf(core)).map(([name, value]) => ({ name, value }));
    return answer.response({ type: R.GET_METRICS, getMetrics: { metrics } });
  },

  [C.GET_LOGGING_LEVEL]: (core) => answer.response({ type: R.GET_LOGGING_LEVEL, getLoggingLevel: { level: loggingLevel(core) } }),

  [C.SET_LOGGING_LEVEL]: (core, call) => {
    const request = call.setLoggingLevel ?? {};
    const level = request.level ?? 0;
    const durationMs = Number(request.duration?.nanoseconds ?? 0n) / 1e6;
    setLoggingLevel(core, level, durationMs);
    return answer.ok();
  },

  [C.GET_STATE]: (core) => answer.response({ type: R.GET_STATE, getState: getState(core) }),
  [C.GET_AGENTS]: (core) => answer.response({ type: R.GET_AGENTS, getAgents: getAgents(core) }),
  [C.GET_FRAMEWORKS]: (core) => answer.response({ type: R.GET_FRAMEWORKS, getFrameworks: getFrameworks(core) }),
  [C.GET_EXECUTORS]: (core) => answer.response({ type: R.GET_EXECUTORS, getExecutors: getExecutors(core) }),
  [C.GET_TASKS]: (core) => answer.response({ type: R.GET_TASKS, getTasks: getTasks(core) }),
  // The operations the master tracks (reservations-apply.ts): those with feedback until acknowledged, and pending ones.
  [C.GET_OPERATIONS]: (core) => answer.response({ type: R.GET_OPERATIONS, getOperations: { operations: operationsOf(core) } }),

  [C.GET_ROLES]: (core) => answer.response({ type: R.GET_ROLES, getRoles: { roles: getRoles(core) } }),
  [C.GET_WEIGHTS]: (core) => answer.response({ type: R.GET_WEIGHTS, getWeights: { weightInfos: weightInfos(core) } }),
  [C.UPDATE_WEIGHTS]: (core, call) => {
    const outcome = updateWeights(core, call.updateWeights?.weightInfos ?? []);
    return outcome.ok ? answer.ok() : answer.error(400, outcome.message);
  },

  [C.GET_MASTER]: (core) =>
    answer.response({ type: R.GET_MASTER, getMaster: { masterInfo: core.info, startTime: core.startTime, electedTime: core.startTime } }),

  [C.GET_QUOTA]: (core) => answer.response({ type: R.GET_QUOTA, getQuota: { status: quotaStatus(core) } }),
  [C.UPDATE_QUOTA]: (core, call) => quotaAnswer(updateQuota(core, call.updateQuota ?? {})),
  [C.SET_QUOTA]: (core, call) => quotaAnswer(setQuotaRequest(core, call.setQuota?.quotaRequest ?? {})),
  [C.REMOVE_QUOTA]: (core, call) => quotaAnswer(removeQuota(core, call.removeQuota?.role ?? '')),

  [C.TEARDOWN]: (core, call) => teardown(core, call.teardown?.frameworkId?.value ?? ''),
};

/** Mesos's `_teardown`: a registered framework is removed as the scheduler's TEARDOWN removes it. */
export function teardown(core: MasterCore, frameworkId: string): OperatorAnswer {
  const framework = core.frameworks.get(frameworkId);
  if (framework === undefined) return answer.error(400, 'No framework found with specified ID');
  core.log.info({ frameworkId }, `Tearing down framework ${frameworkId} on the operator's request`);
  core.guard('TEARDOWN', () => removeFramework(core, framework));
  return answer.ok();
}
