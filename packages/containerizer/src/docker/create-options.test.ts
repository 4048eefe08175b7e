import {
  ContainerInfo_DockerInfo_Network,
  ContainerInfo_Type,
  Environment_Variable_Type,
  Value_Type,
  Volume_Mode,
  Volume_Source_Type,
  type ContainerInfo,
  type Resource,
} from '@mesos-ts/proto';
import { buildDockerPlan, type DockerContainerConfig } from './create-options';

const scalar = (name: string, value: number): Resource => ({ name, type: Value_Type.SCALAR, scalar: { value } });
const ports = (begin: number, end: number): Resource => ({
  name: 'ports',
  type: Value_Type.RANGES,
  ranges: { range: [{ begin: BigInt(begin), end: BigInt(end) }] },
});

function config(
  container: Partial<ContainerInfo> = {},
  extra: Partial<DockerContainerConfig> = {},
): DockerContainerConfig {
  return {
    containerId: 'c1',
    command: { value: 'echo hi' },
    environment: { MESOS_TASK_ID: 't1' },
    sandbox: '/var/sandbox/c1',
    resources: [],
    ...extra,
    container: { type: ContainerInfo_Type.DOCKER, ...container, docker: { image: 'busybox', ...container.docker } },
  };
}

function plan(cfg: DockerContainerConfig, settings = {}) {
  const built = buildDockerPlan(cfg, settings);
  if (!built.ok) throw built.error;
  return built.value;
}

function refusal(cfg: DockerContainerConfig): string {
  const built = buildDockerPlan(cfg);
  if (built.ok) throw new Error('expected a refusal');
  expect(built.error.code).toBe('INVALID_ARGUMENT');
  return built.error.message;
}

describe('buildDockerPlan', () => {
  test('a shell command runs as /bin/sh -c on the host network with the sandbox mounted, as Mesos does', () => {
    const p = plan(config());
    expect(p.name).toBe('mesos-c1');
    expect(p.image).toBe('busybox');
    expect(p.forcePull).toBe(false);
    expect(p.create).toMatchObject({
      Image: 'busybox',
      Entrypoint: ['/bin/sh'],
      Cmd: ['-c', 'echo hi'],
      Env: ['MESOS_TASK_ID=t1', 'MESOS_SANDBOX=/mnt/mesos/sandbox', 'MESOS_CONTAINER_NAME=mesos-c1'],
      HostConfig: { NetworkMode: 'host', Binds: ['/var/sandbox/c1:/mnt/mesos/sandbox'], Privileged: false },
    });
    expect(p.create.HostConfig?.Memory).toBeUndefined();
  });

  test('a non-shell command keeps the image entrypoint and passes value and arguments', () => {
    const p = plan(config({}, { command: { shell: false, value: 'run', arguments: ['--fast'] } }));
    expect(p.create.Entrypoint).toBeUndefined();
    expect(p.create.Cmd).toEqual(['run', '--fast']);
    const bare = plan(config({}, { command: { shell: false } }));
    expect(bare.create.Cmd).toBeUndefined();
  });

  test('cpu shares, CFS quota and memory follow the resources with Mesos minimums', () => {
    const p = plan(config({}, { resources: [scalar('cpus', 0.25), scalar('cpus', 0.25), scalar('mem', 128)] }), {
      enableCfsQuota: true,
    });
    expect(p.create.HostConfig).toMatchObject({
      CpuShares: 512,
      CpuPeriod: 100_000,
      CpuQuota: 50_000,
      Memory: 128 * 1024 * 1024,
    });
    expect(p.cpus).toBe(0.5);
    expect(p.memLimitBytes).toBe(128n * 1024n * 1024n);
    const tiny = plan(config({}, { resources: [scalar('cpus', 0.001), scalar('mem', 1)] }), { enableCfsQuota: true });
    expect(tiny.create.HostConfig).toMatchObject({ CpuShares: 2, CpuQuota: 1000, Memory: 32 * 1024 * 1024 });
    const noCfs = plan(config({}, { resources: [scalar('cpus', 1)] }));
    expect(noCfs.create.HostConfig?.CpuQuota).toBeUndefined();
  });

  test('command environment wins over the agent environment; the allocation role is passed on', () => {
    const p = plan(
      config(
        {},
        {
          environment: { A: 'agent', B: 'agent' },
          command: { value: 'x', environment: { variables: [{ name: 'B', value: 'command' }] } },
          resources: [{ ...scalar('cpus', 1), allocationInfo: { role: 'web' } }],
        },
      ),
    );
    expect(p.create.Env).toEqual([
      'A=agent',
      'B=command',
      'MESOS_SANDBOX=/mnt/mesos/sandbox',
      'MESOS_CONTAINER_NAME=mesos-c1',
      'MESOS_ALLOCATION_ROLE=web',
    ]);
  });

  test('volumes: absolute, sandbox-relative host paths, relative container paths, Docker volumes', () => {
    const p = plan(
      config({
        volumes: [
          { hostPath: '/data', containerPath: '/data', mode: Volume_Mode.RO },
          { hostPath: 'cache', containerPath: '/cache', mode: Volume_Mode.RW },
          { hostPath: '/etc/ssl', containerPath: 'ssl', mode: Volume_Mode.RO },
          {
            containerPath: '/db',
            mode: Volume_Mode.RW,
            source: { type: Volume_Source_Type.DOCKER_VOLUME, dockerVolume: { name: 'pg', driver: 'local' } },
          },
          { containerPath: '/skipped', mode: Volume_Mode.RW, source: { type: Volume_Source_Type.SANDBOX_PATH } },
        ],
      }),
    );
    expect(p.create.HostConfig?.Binds).toEqual([
      '/data:/data:ro',
      '/var/sandbox/c1/cache:/cache:rw',
      '/etc/ssl:/mnt/mesos/sandbox/ssl:ro',
      'pg:/db:rw',
      '/var/sandbox/c1:/mnt/mesos/sandbox',
    ]);
    expect(p.create.HostConfig?.VolumeDriver).toBe('local');
    expect(refusal(config({ volumes: [{ hostPath: 'a', containerPath: 'b', mode: Volume_Mode.RW }] }))).toBe(
      "container.volumes[0]: both host_path 'a' and container_path 'b' are relative",
    );
  });

  test('port mappings need a bridge network and host ports among the offered ones', () => {
    const bridge = {
      network: ContainerInfo_DockerInfo_Network.BRIDGE,
      portMappings: [{ hostPort: 31001, containerPort: 80 }],
    };
    const p = plan(config({ docker: { image: 'busybox', ...bridge } }, { resources: [ports(31000, 31010)] }));
    expect(p.create.ExposedPorts).toEqual({ '80/tcp': {} });
    expect(p.create.HostConfig).toMatchObject({
      NetworkMode: 'bridge',
      PortBindings: { '80/tcp': [{ HostPort: '31001' }] },
    });
    expect(refusal(config({ docker: { image: 'busybox', ...bridge } }, { resources: [ports(32000, 32010)] }))).toBe(
      'container.docker.port_mappings[0]: port [31001] not included in resources',
    );
    expect(refusal(config({ docker: { image: 'busybox', ...bridge } }))).toBe(
      'container.docker.port_mappings need ports resources',
    );
    expect(
      refusal(
        config(
          { docker: { image: 'busybox', portMappings: bridge.portMappings } },
          { resources: [ports(31000, 31010)] },
        ),
      ),
    ).toBe('container.docker.port_mappings are only supported with BRIDGE and USER networks');
  });

  test('networks: NONE, USER by name, hostname not with HOST', () => {
    expect(
      plan(config({ docker: { image: 'b', network: ContainerInfo_DockerInfo_Network.NONE } })).create.HostConfig
        ?.NetworkMode,
    ).toBe('none');
    const user = plan(
      config({
        docker: { image: 'b', network: ContainerInfo_DockerInfo_Network.USER },
        networkInfos: [{ name: 'overlay1' }],
      }),
    );
    expect(user.create.HostConfig?.NetworkMode).toBe('overlay1');
    expect(refusal(config({ docker: { image: 'b', network: ContainerInfo_DockerInfo_Network.USER } }))).toContain(
      'network_infos is empty',
    );
    expect(refusal(config({ hostname: 'web' }))).toBe('container.hostname cannot be set with the HOST network');
    const named = plan(
      config({ hostname: 'web', docker: { image: 'b', network: ContainerInfo_DockerInfo_Network.BRIDGE } }),
    );
    expect(named.create.Hostname).toBe('web');
  });

  test('parameters apply last; a --memory parameter is the reported limit', () => {
    const p = plan(
      config(
        {
          docker: {
            image: 'b',
            privileged: true,
            forcePullImage: true,
            parameters: [
              { key: 'memory', value: '256m' },
              { key: 'env', value: 'X=1' },
            ],
          },
        },
        { resources: [scalar('mem', 64)] },
      ),
    );
    expect(p.forcePull).toBe(true);
    expect(p.create.HostConfig).toMatchObject({ Memory: 256 * 1024 * 1024, Privileged: true });
    expect(p.memLimitBytes).toBe(256n * 1024n * 1024n);
    expect(p.create.Env).toContain('X=1');
  });

  test('refuses what cannot run, naming the field', () => {
    expect(refusal({ ...config(), container: undefined } as unknown as DockerContainerConfig)).toBe(
      'container (a ContainerInfo) is required',
    );
    expect(refusal(config({ type: ContainerInfo_Type.MESOS }))).toBe(
      'container.type must be DOCKER for the Docker containerizer, got 2',
    );
    expect(refusal({ ...config(), container: { type: ContainerInfo_Type.DOCKER, docker: {} } })).toBe(
      'container.docker.image is required',
    );
    expect(refusal(config({}, { containerId: 'bad/id' }))).toContain("containerId 'bad/id' has characters");
    expect(refusal(config({}, { sandbox: 'relative' }))).toBe("sandbox of container 'c1' must be an absolute path");
    expect(refusal(config({}, { command: { shell: true } }))).toBe('command.shell is true but command.value is empty');
    expect(
      refusal(
        config(
          {},
          {
            command: {
              value: 'x',
              environment: { variables: [{ name: 'S', type: Environment_Variable_Type.SECRET }] },
            },
          },
        ),
      ),
    ).toBe('command.environment.variables[0] is a SECRET; the Docker containerizer has no secret resolver');
  });
});
