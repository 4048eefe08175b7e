import { Resource_ReservationInfo_Type, Value_Type, Volume_Mode, master } from '@mesos-ts/proto';
import { parseMachine, parseMachines, scheduleRows, statusRows } from './maintenance';
import { quotaRows, quotaUpdateCall } from './quota';
import { reservationPrincipal, reservedResources } from './reserve';
import { closest } from './shared';
import { volumeResource, volumesOf } from './volume';
import { parseWeights } from './weights';

describe('mesos weights update arguments', () => {
  it('parses role=weight pairs', () => {
    expect(parseWeights(['eng=2', 'a/b=0.5'])).toEqual({ ok: true, weights: [{ role: 'eng', weight: 2 }, { role: 'a/b', weight: 0.5 }] });
  });

  it.each([
    [[], 'give at least one ROLE=WEIGHT, e.g. eng=2'],
    [['eng'], "'eng' is not ROLE=WEIGHT"],
    [['eng=0'], "'eng=0': the weight must be a positive number, got '0'"],
    [['eng=-1'], "'eng=-1': the weight must be a positive number, got '-1'"],
    [['eng=x'], "'eng=x': the weight must be a positive number, got 'x'"],
    [['eng='], "'eng=': the weight must be a positive number, got ''"],
    [['eng=1', 'eng=2'], "role 'eng' is given twice"],
    [['*=2'], "'*=2': role '*' cannot have a weight"],
  ])('refuses %j with a message naming it', (args, message) => {
    expect(parseWeights(args)).toEqual({ ok: false, message });
  });

  it('refuses an invalid role name', () => {
    const parsed = parseWeights(['a b=1']);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toMatch(/^'a b=1': Invalid role/);
  });
});

describe('mesos quota update', () => {
  it('builds UPDATE_QUOTA with guarantees (zeros dropped) and limits (zeros kept)', () => {
    const built = quotaUpdateCall('eng', 'cpus:1;mem:128;gpus:0', 'cpus:4;gpus:0', true);
    expect(built).toEqual({
      ok: true,
      call: {
        type: master.Call_Type.UPDATE_QUOTA,
        updateQuota: { force: true, quotaConfigs: [{ role: 'eng', guarantees: { cpus: { value: 1 }, mem: { value: 128 } }, limits: { cpus: { value: 4 }, gpus: { value: 0 } } }] },
      },
    });
  });

  it('builds an empty config to remove a quota', () => {
    const built = quotaUpdateCall('eng', undefined, undefined, false);
    expect(built.ok && built.call.updateQuota?.quotaConfigs).toEqual([{ role: 'eng', guarantees: {}, limits: {} }]);
  });

  it('names the flag of a bad value', () => {
    const bad = quotaUpdateCall('eng', 'cpus:x', undefined, false);
    expect(!bad.ok && bad.message).toMatch(/^--guarantee 'cpus:x': /);
    const badLimit = quotaUpdateCall('eng', undefined, 'ports:[1-2]', false);
    expect(!badLimit.ok && badLimit.message).toMatch(/^--limit 'ports:\[1-2\]': /);
    expect(quotaUpdateCall('*', 'cpus:1', undefined, false)).toEqual({ ok: false, message: "role '*' cannot have a quota" });
  });

  it('shows configs as a table sorted by role', () => {
    expect(quotaRows([{ role: 'z', limits: { cpus: { value: 2 } } }, { role: 'a', guarantees: { mem: { value: 64 }, cpus: { value: 0.5 } } }])).toEqual([
      ['a', 'cpus:0.5; mem:64', '-'],
      ['z', '-', 'cpus:2'],
    ]);
  });
});

describe('mesos reserve / unreserve resources', () => {
  it('pushes a DYNAMIC reservation with the principal onto the parsed resources', () => {
    const built = reservedResources('cpus:1;mem:128', 'eng', 'ops');
    expect(built.ok).toBe(true);
    const resources = built.ok ? built.resources : [];
    expect(resources.map((r) => [r.name, r.scalar?.value, r.reservations])).toEqual([
      ['cpus', 1, [{ type: Resource_ReservationInfo_Type.DYNAMIC, role: 'eng', principal: 'ops' }]],
      ['mem', 128, [{ type: Resource_ReservationInfo_Type.DYNAMIC, role: 'eng', principal: 'ops' }]],
    ]);
  });

  it('refuses bad resources, empty ones, and a role that does not refine a static one', () => {
    expect(reservedResources('cpus:abc', 'eng', undefined)).toMatchObject({ ok: false, message: expect.stringMatching(/^resources 'cpus:abc': /) });
    expect(reservedResources('', 'eng', undefined)).toEqual({ ok: false, message: "resources '' are empty" });
    expect(reservedResources('cpus:1', '*', undefined)).toMatchObject({ ok: false, message: expect.stringMatching(/^--role '\*': /) });
    expect(reservedResources('cpus(a):1', 'b', undefined)).toMatchObject({ ok: false, message: expect.stringMatching(/not a refinement of 'a'/) });
  });

  it('finds the principal of the reservations of a role when it is unique', () => {
    const dyn = (role: string, principal?: string): { reservations: { type: Resource_ReservationInfo_Type; role: string; principal?: string }[] } => ({
      reservations: [{ type: Resource_ReservationInfo_Type.DYNAMIC, role, ...(principal !== undefined ? { principal } : {}) }],
    });
    expect(reservationPrincipal([{ name: 'cpus', ...dyn('eng', 'ops') }, { name: 'mem', ...dyn('eng', 'ops') }, { name: 'mem', ...dyn('x', 'y') }], 'eng')).toBe('ops');
    expect(reservationPrincipal([{ name: 'cpus', ...dyn('eng', 'ops') }, { name: 'mem', ...dyn('eng', 'other') }], 'eng')).toBeUndefined();
    expect(reservationPrincipal([], 'eng')).toBeUndefined();
  });
});

describe('mesos volume create', () => {
  it('builds a reserved disk resource with persistence and a RW volume', () => {
    expect(volumeResource({ role: 'eng', size: '512', path: 'data', id: 'v1', principal: 'ops' })).toEqual({
      ok: true,
      resource: {
        name: 'disk',
        type: Value_Type.SCALAR,
        scalar: { value: 512 },
        reservations: [{ type: Resource_ReservationInfo_Type.DYNAMIC, role: 'eng', principal: 'ops' }],
        disk: { persistence: { id: 'v1', principal: 'ops' }, volume: { mode: Volume_Mode.RW, containerPath: 'data' } },
      },
    });
  });

  it.each([
    [{ size: '0' }, "--size '0' must be a positive number of megabytes"],
    [{ size: 'big' }, "--size 'big' must be a positive number of megabytes"],
    [{ path: '/abs' }, "--path '/abs' must be a path relative to the sandbox"],
    [{ path: 'a/../b' }, "--path 'a/../b' must not contain '..'"],
    [{ role: '*' }, "--role '*': a volume needs a reserved role"],
    [{ id: 'a/b' }, "--id 'a/b' must be non-empty, without spaces or '/'"],
  ])('refuses %j', (change, message) => {
    expect(volumeResource({ role: 'eng', size: '1', path: 'p', id: 'v', principal: undefined, ...change })).toEqual({ ok: false, message });
  });

  it('lists only persistent volumes', () => {
    expect(volumesOf([{ name: 'disk', disk: { persistence: { id: 'v' } } }, { name: 'disk' }, { name: 'cpus' }])).toHaveLength(1);
  });
});

describe('mesos maintenance machines, schedule and status', () => {
  it('parses HOST, HOST/IP and /IP', () => {
    expect(parseMachine('node-1')).toEqual({ ok: true, machine: { hostname: 'node-1' } });
    expect(parseMachine('node-1/10.0.0.1')).toEqual({ ok: true, machine: { hostname: 'node-1', ip: '10.0.0.1' } });
    expect(parseMachine('/10.0.0.1')).toEqual({ ok: true, machine: { ip: '10.0.0.1' } });
    expect(parseMachine('/')).toEqual({ ok: false, message: "machine '/' has neither a hostname nor an IP (HOST, HOST/IP or /IP)" });
    expect(parseMachine('h/not-ip')).toEqual({ ok: false, message: "machine 'h/not-ip': 'not-ip' is not an IP address" });
    expect(parseMachines(['a', '/'])).toMatchObject({ ok: false });
  });

  it('shows windows with their machines, start and duration', () => {
    const rows = scheduleRows({ windows: [{ machineIds: [{ hostname: 'a', ip: '1.2.3.4' }, { hostname: 'b' }], unavailability: { start: { nanoseconds: 1_700_000_000_000_000_000n }, duration: { nanoseconds: 3_600_000_000_000n } } }] });
    expect(rows).toEqual([['a/1.2.3.4, b', '2023-11-14T22:13:20Z', '1hrs']]);
  });

  it('shows draining machines with inverse offer answers, then down ones', () => {
    expect(statusRows({ drainingMachines: [{ id: { hostname: 'a' }, statuses: [{ frameworkId: { value: 'f1' }, status: 2 }] }], downMachines: [{ hostname: 'b', ip: '1.1.1.1' }] })).toEqual([
      ['a', 'DRAINING', 'f1:ACCEPT'],
      ['b/1.1.1.1', 'DOWN', '-'],
    ]);
  });
});

describe('closest (typo suggestions)', () => {
  it('suggests a name within two edits', () => {
    expect(closest('lst', ['list', 'log'])).toBe('list');
    expect(closest('zzzzz', ['list', 'log'])).toBeUndefined();
  });
});
