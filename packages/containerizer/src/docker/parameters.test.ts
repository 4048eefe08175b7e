import { applyParameters, canonicalFlag, parseBytes, type CreateDraft } from './parameters';

const draft = (): CreateDraft => ({ body: {}, host: {}, ports: {} });

describe('parseBytes', () => {
  test.each([
    ['1024', 1024],
    ['512m', 512 * 1024 ** 2],
    ['512MB', 512 * 1024 ** 2],
    ['1.5g', 1.5 * 1024 ** 3],
    ['2k', 2048],
    ['10b', 10],
  ])('%s -> %d', (text, bytes) => expect(parseBytes(text)).toBe(bytes));

  test.each(['', 'm', '12x', '-1', '1..2g'])('refuses %j', (text) => expect(parseBytes(text)).toBeUndefined());
});

describe('applyParameters', () => {
  test('maps docker run flags onto the create request', () => {
    const applied = applyParameters(draft(), [
      { key: 'env', value: 'A=1' },
      { key: 'e', value: 'B=x=y' },
      { key: 'label', value: 'team=infra' },
      { key: 'memory-swap', value: '-1' },
      { key: 'shm-size', value: '64m' },
      { key: 'cap-add', value: 'NET_ADMIN' },
      { key: 'cap-add', value: 'SYS_PTRACE' },
      { key: 'ulimit', value: 'nofile=100:200' },
      { key: 'add-host', value: 'db:10.0.0.1' },
      { key: 'publish', value: '127.0.0.1:8080:80/udp' },
      { key: 'read-only', value: '' },
      { key: 'cpus', value: '1.5' },
      { key: 'sysctl', value: 'net.core.somaxconn=1024' },
      { key: 'log-opt', value: 'max-size=10m' },
      { key: '--workdir', value: '/srv' },
      { key: 'device', value: '/dev/fuse' },
      { key: 'tmpfs', value: '/run:rw,size=64m' },
    ]);
    if (!applied.ok) throw applied.error;
    const { body, host, ports } = applied.value;
    expect(body).toMatchObject({ Env: ['A=1', 'B=x=y'], Labels: { team: 'infra' }, WorkingDir: '/srv' });
    expect(host).toMatchObject({
      MemorySwap: -1,
      ShmSize: 64 * 1024 ** 2,
      CapAdd: ['NET_ADMIN', 'SYS_PTRACE'],
      Ulimits: [{ Name: 'nofile', Soft: 100, Hard: 200 }],
      ExtraHosts: ['db:10.0.0.1'],
      ReadonlyRootfs: true,
      NanoCpus: 1_500_000_000,
      Sysctls: { 'net.core.somaxconn': '1024' },
      LogConfig: { Type: '', Config: { 'max-size': '10m' } },
      Devices: [{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' }],
      Tmpfs: { '/run': 'rw,size=64m' },
    });
    expect(ports).toEqual({ '80/udp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] });
  });

  test('refuses unknown flags, flags that take the lifecycle away, and bad values, naming the parameter', () => {
    const unknown = applyParameters(draft(), [
      { key: 'env', value: 'A=1' },
      { key: 'no-such-flag', value: 'x' },
    ]);
    expect(unknown.ok ? '' : unknown.error.message).toBe(
      "container.docker.parameters[1]: '--no-such-flag' is not a docker run option the Docker containerizer can map onto the Engine API",
    );
    const rm = applyParameters(draft(), [{ key: 'rm', value: 'true' }]);
    expect(rm.ok ? '' : rm.error.message).toContain("'--rm' is not allowed");
    const name = applyParameters(draft(), [{ key: 'name', value: 'x' }]);
    expect(name.ok ? '' : name.error.message).toContain('mesos-<containerId>');
    const size = applyParameters(draft(), [{ key: 'memory', value: 'lots' }]);
    expect(size.ok ? '' : size.error.message).toBe(
      "container.docker.parameters[0]: parameter 'memory' has an invalid size 'lots' (e.g. 512m, 1g)",
    );
    const bool = applyParameters(draft(), [{ key: 'privileged', value: 'maybe' }]);
    expect(bool.ok ? '' : bool.error.code).toBe('INVALID_ARGUMENT');
    const noKey = applyParameters(draft(), [{ value: 'x' }]);
    expect(noKey.ok ? '' : noKey.error.message).toBe('container.docker.parameters[0] needs a key');
  });

  test('resolves short and deprecated aliases', () => {
    expect(canonicalFlag('-e')).toBe('env');
    expect(canonicalFlag('net')).toBe('network');
    expect(canonicalFlag('dns-opt')).toBe('dns-option');
  });
});
