/**
 * Roles, weights and quota through the operator API (GET_ROLES, GET_WEIGHTS, UPDATE_WEIGHTS, GET_QUOTA,
 * UPDATE_QUOTA, SET_QUOTA, REMOVE_QUOTA) and the JSON endpoints `/roles`, `/weights` and `/quota`.
 */
import { TaskState, master } from '@mesos-ts/proto';
import { caps, cluster, commandTask, TestFramework, type Cluster } from './helpers';
import { jsonCall, protoCall, rawCall } from './operator-helpers';

describe('operator API: roles, weights and quota', () => {
  let c: Cluster;
  const frameworks: TestFramework[] = [];
  beforeEach(async () => {
    c = await cluster(1, ['--weights=ops=3'], { agent: { onLaunch: 'run' } });
  });
  afterEach(async () => {
    for (const f of frameworks.splice(0)) f.close();
    await c.stop();
  });

  describe('weights', () => {
    it('GET_WEIGHTS starts from --weights; UPDATE_WEIGHTS sets them here and in the allocator', async () => {
      expect((await jsonCall(c.url, { type: 'GET_WEIGHTS' })).json).toEqual({ type: 'GET_WEIGHTS', get_weights: { weight_infos: [{ role: 'ops', weight: 3 }] } });
      const update = await jsonCall(c.url, { type: 'UPDATE_WEIGHTS', update_weights: { weight_infos: [{ role: ' eng ', weight: 2.5 }, { role: 'ops', weight: 1 }] } });
      expect([update.status, update.text]).toEqual([200, '']);
      const got = (await protoCall(c.url, { type: master.Call_Type.GET_WEIGHTS })).response;
      expect(got?.getWeights?.weightInfos).toEqual([
        { role: 'eng', weight: 2.5 },
        { role: 'ops', weight: 1 },
      ]);
      expect(c.master.core.allocator.weight('eng')).toBe(2.5);
      expect(c.master.core.allocator.weight('ops')).toBe(1);
    });

    it('refuses bad roles and weights with Mesos messages, changing nothing', async () => {
      const cases: [unknown, string][] = [
        [{ role: '-x', weight: 1 }, "Failed to validate update weights request JSON: Invalid role '-x': Role component '-x' is invalid because it starts with a dash"],
        [{ role: 'a//b', weight: 1 }, "Failed to validate update weights request JSON: Invalid role 'a//b': Role 'a//b' cannot contain two adjacent slashes"],
        [{ role: 'eng', weight: 0 }, "Failed to validate update weights request JSON for role 'eng': Invalid weight '0': Weights must be positive"],
        [{ role: 'eng', weight: -2 }, "Failed to validate update weights request JSON for role 'eng': Invalid weight '-2': Weights must be positive"],
      ];
      for (const [info, message] of cases) {
        const answer = await jsonCall(c.url, { type: 'UPDATE_WEIGHTS', update_weights: { weight_infos: [{ role: 'good', weight: 2 }, info] } });
        expect([answer.status, answer.text]).toEqual([400, message]);
      }
      expect(c.master.core.allocator.weight('good')).toBe(1);
    });

    it('refuses roles off the --roles whitelist', async () => {
      await c.stop();
      c = await cluster(0, ['--roles=eng']);
      const answer = await jsonCall(c.url, { type: 'UPDATE_WEIGHTS', update_weights: { weight_infos: [{ role: 'ops', weight: 2 }] } });
      expect([answer.status, answer.text]).toEqual([400, "Failed to validate update weights request JSON: Unknown role 'ops'"]);
    });

    it('/weights: GET (with jsonp) and PUT', async () => {
      const get = await rawCall(c.url, '', {}, '/master/weights', 'GET');
      expect(JSON.parse(get.text)).toEqual([{ role: 'ops', weight: 3 }]);
      const jsonp = await rawCall(c.url, '', {}, '/weights?jsonp=cb', 'GET');
      expect(jsonp.headers.get('content-type')).toBe('text/javascript');
      expect(jsonp.text).toBe(`cb(${get.text})`);
      const put = await rawCall(c.url, JSON.stringify([{ role: 'eng', weight: 4 }]), { 'Content-Type': 'application/json' }, '/master/weights', 'PUT');
      expect(put.status).toBe(200);
      expect(c.master.core.allocator.weight('eng')).toBe(4);
      const notArray = await rawCall(c.url, '{"role":"x"}', {}, '/master/weights', 'PUT');
      expect(notArray.status).toBe(400);
      expect(notArray.text).toMatch(/^Failed to parse update weights request JSON '\{"role":"x"\}'/);
      const badItem = await rawCall(c.url, '[{"weight":"heavy"}]', {}, '/master/weights', 'PUT');
      expect(badItem.status).toBe(400);
      expect(badItem.text).toMatch(/^Failed to convert weights JSON array to protobuf/);
      const post = await rawCall(c.url, '[]', {}, '/master/weights', 'POST');
      expect(post.status).toBe(405);
    });
  });

  describe('roles', () => {
    it('GET_ROLES and /roles list roles with frameworks, weights, quota and resources', async () => {
      const f = new TestFramework(c.url, { roles: ['eng/web'], capabilities: caps('MULTI_ROLE') });
      frameworks.push(f);
      await f.subscribe();
      const [offer] = await f.offers();
      await f.client.launch(offer!, [commandTask(offer!, 'r1', 'cpus:1;mem:256')]);
      await f.client.acknowledge(await f.update('r1', TaskState.TASK_RUNNING));
      await jsonCall(c.url, { type: 'UPDATE_QUOTA', update_quota: { quota_configs: [{ role: 'eng', guarantees: { cpus: { value: 1 } }, limits: { cpus: { value: 3 } } }] } });

      const roles = (await protoCall(c.url, { type: master.Call_Type.GET_ROLES })).response!.getRoles!.roles!;
      expect(roles.map((r) => r.name)).toEqual(['eng', 'eng/web', 'ops']);
      const web = roles.find((r) => r.name === 'eng/web')!;
      expect(web.frameworks).toEqual([{ value: f.frameworkId }]);
      expect(Object.fromEntries(web.resources!.map((r) => [r.name, r.scalar?.value]))).toEqual({ cpus: 1, mem: 256 });
      expect(roles.find((r) => r.name === 'ops')!.weight).toBe(3);
      // The parent role counts its subtree.
      expect(Object.fromEntries(roles.find((r) => r.name === 'eng')!.resources!.map((r) => [r.name, r.scalar?.value]))).toEqual({ cpus: 1, mem: 256 });

      const json = JSON.parse((await rawCall(c.url, '', {}, '/master/roles', 'GET')).text);
      const eng = json.roles.find((r: any) => r.name === 'eng');
      expect(eng).toEqual({
        name: 'eng',
        weight: 1,
        quota: { role: 'eng', guarantee: { cpus: 1 }, limit: { cpus: 3 }, consumed: { cpus: 1, mem: 256 } },
        resources: { cpus: 1, mem: 256 },
        allocated: { cpus: 1, mem: 256 },
        offered: {},
        reserved: {},
        frameworks: [],
      });
      expect(json.roles.find((r: any) => r.name === 'eng/web').frameworks).toEqual([f.frameworkId]);
      expect((await rawCall(c.url, '', {}, '/roles?jsonp=f', 'GET')).text).toMatch(/^f\(\{"roles":/);
      expect((await rawCall(c.url, '', {}, '/roles', 'POST')).status).toBe(405);
    });
  });

  describe('quota', () => {
    const update = (configs: unknown[], force?: boolean): ReturnType<typeof jsonCall> =>
      jsonCall(c.url, { type: 'UPDATE_QUOTA', update_quota: { quota_configs: configs, ...(force === undefined ? {} : { force }) } });

    it('UPDATE_QUOTA sets guarantees and limits; GET_QUOTA answers them as configs and legacy infos', async () => {
      const answer = await update([{ role: 'eng', guarantees: { cpus: { value: 1 }, mem: { value: 512 } }, limits: { cpus: { value: 2 } } }]);
      expect([answer.status, answer.text]).toEqual([200, '']);
      const quota = c.master.core.allocator.quota('eng');
      expect(quota.guarantees.toString()).toBe('cpus:1; mem:512');
      expect(quota.limits.toString()).toBe('cpus:2');
      const got = (await jsonCall(c.url, { type: 'GET_QUOTA' })).json;
      expect(got).toEqual({
        type: 'GET_QUOTA',
        get_quota: {
          status: {
            infos: [
              {
                role: 'eng',
                guarantee: [
                  { name: 'cpus', type: 'SCALAR', scalar: { value: 1 } },
                  { name: 'mem', type: 'SCALAR', scalar: { value: 512 } },
                ],
              },
            ],
            configs: [{ role: 'eng', guarantees: { cpus: { value: 1 }, mem: { value: 512 } }, limits: { cpus: { value: 2 } } }],
          },
        },
      });
      const proto = (await protoCall(c.url, { type: master.Call_Type.GET_QUOTA })).response!;
      expect(proto.getQuota?.status?.configs?.[0]?.limits).toEqual({ cpus: { value: 2 } });
      // Empty guarantees and limits put the role back to the default quota.
      expect((await update([{ role: 'eng' }])).status).toBe(200);
      expect((await protoCall(c.url, { type: master.Call_Type.GET_QUOTA })).response!.getQuota?.status).toEqual({});
      expect(c.master.core.allocator.quota('eng').guarantees.isEmpty()).toBe(true);
    });

    it('refuses invalid configs with Mesos messages', async () => {
      const cases: [unknown, string][] = [
        [{ role: 'a/b' }, "Updating quota on nested role 'a/b' is not supported yet"],
        [{ role: '.' }, "Invalid QuotaConfig: Invalid 'QuotaConfig.role': Role '.' cannot include '.' as a component"],
        [{ role: 'eng', guarantees: { cpus: { value: -1 } } }, "Invalid QuotaConfig: Invalid guarantee configuration {'cpus': -1}: Negative values not supported"],
        [{ role: 'eng', limits: { mem: { value: 2 * 1024 ** 4 } } }, `Invalid QuotaConfig: Invalid 'QuotaConfig.limits': {'mem': ${2 * 1024 ** 4}} is invalid: values greater than 1 exabyte (${1024 ** 4}) are not supported`],
        [
          { role: 'eng', guarantees: { cpus: { value: 2 } }, limits: { cpus: { value: 1 } } },
          "Invalid QuotaConfig: 'QuotaConfig.guarantees' {cpus: 2} is not contained within the 'QuotaConfig.limits' {cpus: 1}",
        ],
      ];
      for (const [config, message] of cases) {
        const answer = await update([config]);
        expect([answer.status, answer.text]).toEqual([400, message]);
      }
      // `role` is a required field: a config without it does not even decode.
      const noRole = await update([{}]);
      expect(noRole.status).toBe(400);
      expect(noRole.text).toMatch(/^Failed to convert JSON into Call protobuf: .*'role'/);
      // All or nothing: one bad config and the good one before it is not applied either.
      const mixed = await update([{ role: 'good', guarantees: { cpus: { value: 1 } } }, { role: '-bad' }]);
      expect(mixed.status).toBe(400);
      expect(c.master.core.allocator.quota('good').guarantees.isEmpty()).toBe(true);
    });

    it('checks guarantees against the cluster capacity unless forced', async () => {
      const over = await update([{ role: 'eng', guarantees: { cpus: { value: 8 } } }]);
      expect([over.status, over.text]).toEqual([
        400,
        "Invalid QuotaConfig: total quota guarantees 'cpus:8' exceed cluster capacity 'cpus:4; disk:4096; mem:4096' (use 'force' flag to bypass this check)",
      ]);
      expect(c.master.core.allocator.quota('eng').guarantees.isEmpty()).toBe(true);
      expect((await update([{ role: 'eng', guarantees: { cpus: { value: 8 } } }], true)).status).toBe(200);
      expect(c.master.core.allocator.quota('eng').guarantees.toString()).toBe('cpus:8');
    });

    it('refuses a limit below what the role already consumes unless forced', async () => {
      const f = new TestFramework(c.url, { roles: ['eng'], capabilities: caps('MULTI_ROLE') });
      frameworks.push(f);
      await f.subscribe();
      const [offer] = await f.offers();
      await f.client.launch(offer!, [commandTask(offer!, 'q1', 'cpus:2;mem:128')]);
      await f.client.acknowledge(await f.update('q1', TaskState.TASK_RUNNING));
      const below = await update([{ role: 'eng', limits: { cpus: { value: 1 } } }]);
      expect([below.status, below.text]).toEqual([
        400,
        "Invalid QuotaConfig: Role 'eng' is already consuming 'cpus:2; mem:128'; this is more than the requested limits 'cpus:1' (use 'force' flag to bypass this check)",
      ]);
      expect((await update([{ role: 'eng', limits: { cpus: { value: 1 } } }], true)).status).toBe(200);
    });

    it('SET_QUOTA and REMOVE_QUOTA (deprecated): 200, 400 for an existing or missing quota, 409 for overcommit', async () => {
      const cpus = (value: number): unknown => ({ name: 'cpus', type: 'SCALAR', scalar: { value } });
      const set = (role: string, value: number, force?: boolean): ReturnType<typeof jsonCall> =>
        jsonCall(c.url, { type: 'SET_QUOTA', set_quota: { quota_request: { role, guarantee: [cpus(value)], ...(force ? { force } : {}) } } });
      expect((await set('eng', 1)).status).toBe(200);
      const quota = c.master.core.allocator.quota('eng');
      expect([quota.guarantees.toString(), quota.limits.toString()]).toEqual(['cpus:1', 'cpus:1']);
      const again = await set('eng', 2);
      expect([again.status, again.text]).toEqual([400, "Failed to validate set quota request: Cannot set quota for role 'eng' which already has quota"]);
      const over = await set('ops', 10);
      expect([over.status, over.text]).toEqual([
        409,
        "Quota guarantees overcommit the cluster (use 'force' to bypass this check): Total quota guarantees 'cpus:11' exceed cluster capacity 'cpus:4; disk:4096; mem:4096'",
      ]);
      expect((await set('ops', 10, true)).status).toBe(200);
      const empty = await jsonCall(c.url, { type: 'SET_QUOTA', set_quota: { quota_request: { role: 'x', guarantee: [] } } });
      expect([empty.status, empty.text]).toEqual([400, "Failed to validate set quota request: QuotaInfo with empty 'guarantee'"]);
      const ranges = await jsonCall(c.url, {
        type: 'SET_QUOTA',
        set_quota: { quota_request: { role: 'x', guarantee: [{ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 1, end: 2 }] } }] } },
      });
      expect([ranges.status, ranges.text]).toEqual([400, 'Failed to validate set quota request: QuotaInfo must not include non-scalar resources']);

      const removed = await protoCall(c.url, { type: master.Call_Type.REMOVE_QUOTA, removeQuota: { role: 'eng' } });
      expect(removed.status).toBe(200);
      expect(c.master.core.allocator.quota('eng').guarantees.isEmpty()).toBe(true);
      const missing = await jsonCall(c.url, { type: 'REMOVE_QUOTA', remove_quota: { role: 'eng' } });
      expect([missing.status, missing.text]).toEqual([400, "Failed to remove quota: Role 'eng' has no quota set"]);
    });

    it('/quota: GET the status, POST a request, DELETE /master/quota/<role>', async () => {
      const body = JSON.stringify({ role: 'eng', guarantee: [{ name: 'mem', type: 'SCALAR', scalar: { value: 100 } }] });
      expect((await rawCall(c.url, body, {}, '/master/quota', 'POST')).status).toBe(200);
      const status = JSON.parse((await rawCall(c.url, '', {}, '/master/quota', 'GET')).text);
      expect(status.configs).toEqual([{ role: 'eng', guarantees: { mem: { value: 100 } }, limits: { mem: { value: 100 } } }]);
      const bad = await rawCall(c.url, '{oops', {}, '/quota', 'POST');
      expect(bad.status).toBe(400);
      expect(bad.text).toMatch(/^Failed to parse set quota request JSON '\{oops'/);
      const short = await rawCall(c.url, '', {}, '/quota/eng', 'DELETE');
      expect([short.status, short.text]).toEqual([400, "Failed to parse remove quota request for path '/quota/eng': expected 3 tokens, found 2 tokens"]);
      expect((await rawCall(c.url, '', {}, '/master/quota/eng', 'DELETE')).status).toBe(200);
      const gone = await rawCall(c.url, '', {}, '/master/quota/eng', 'DELETE');
      expect([gone.status, gone.text]).toEqual([400, "Failed to remove quota for path '/master/quota/eng': Role 'eng' has no quota set"]);
      expect((await rawCall(c.url, '', {}, '/master/quota', 'PUT')).status).toBe(405);
    });
  });
});
