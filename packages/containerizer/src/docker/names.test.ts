import { dockerContainerName, parseContainerName } from './names';

describe('Docker container names', () => {
  test('names containers mesos-<containerId> and refuses IDs Docker cannot hold', () => {
    expect(dockerContainerName('3c5a2b1e-0000-4000-8000-000000000001')).toBe(
      'mesos-3c5a2b1e-0000-4000-8000-000000000001',
    );
    expect(dockerContainerName('a/b')).toBeUndefined();
    expect(dockerContainerName('with space')).toBeUndefined();
  });

  test('parses names back, with the API leading slash and the old agent-prefixed form', () => {
    expect(parseContainerName('/mesos-abc')).toBe('abc');
    expect(parseContainerName('mesos-abc.def')).toBe('abc.def');
    expect(parseContainerName('/mesos-0a1b2c3d-4e5f-6789-abcd-ef0123456789-S3.container-1')).toBe('container-1');
    expect(parseContainerName('/other')).toBeUndefined();
    expect(parseContainerName('/mesos-')).toBeUndefined();
  });
});
