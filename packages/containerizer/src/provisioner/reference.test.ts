import { formatImageReference, parseImageReference, resolveRegistry } from './reference';

describe('parseImageReference', () => {
  it.each([
    ['busybox', { repository: 'busybox' }],
    ['busybox:1.36', { repository: 'busybox', tag: '1.36' }],
    ['library/busybox:latest', { repository: 'library/busybox', tag: 'latest' }],
    ['team/app', { repository: 'team/app' }],
    ['localhost/app', { registry: 'localhost', repository: 'app' }],
    ['localhost:5000/team/app:v1', { registry: 'localhost:5000', repository: 'team/app', tag: 'v1' }],
    ['registry.example.com/app', { registry: 'registry.example.com', repository: 'app' }],
    ['registry.example.com:443/a/b/c:1', { registry: 'registry.example.com:443', repository: 'a/b/c', tag: '1' }],
    [`app@sha256:${'a'.repeat(64)}`, { repository: 'app', digest: `sha256:${'a'.repeat(64)}` }],
    [`h.io:80/app:t@sha256:${'b'.repeat(64)}`, { registry: 'h.io:80', repository: 'app', tag: 't', digest: `sha256:${'b'.repeat(64)}` }],
  ])('%s', (name, expected) => {
    expect(parseImageReference(name)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', 'empty'],
    ['Busybox', "repository component 'Busybox'"],
    ['busybox:', "tag ''"],
    ['app@sha256:zz', "digest 'sha256:zz'"],
    ['bad host.com/app', 'white space'],
    ['localhost/', 'repository is empty'],
  ])('refuses %j naming the part', (name, part) => {
    const result = parseImageReference(name);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('INVALID_ARGUMENT');
      expect(result.error.message).toContain(part);
    }
  });

  it('formats back as written', () => {
    for (const name of ['busybox', 'busybox:1', 'localhost:5000/a/b:c', `x.io/app@sha256:${'c'.repeat(64)}`]) {
      const parsed = parseImageReference(name);
      expect(parsed.ok && formatImageReference(parsed.value)).toBe(name);
    }
  });
});

describe('resolveRegistry', () => {
  const resolve = (name: string, registry?: string) => {
    const parsed = parseImageReference(name);
    if (!parsed.ok) throw parsed.error;
    const result = resolveRegistry(parsed.value, registry);
    if (!result.ok) throw result.error;
    return result.value;
  };

  it('sends bare names to Docker Hub under library/, tag latest', () => {
    expect(resolve('busybox')).toEqual({ baseUrl: 'https://registry-1.docker.io', repository: 'library/busybox', manifestReference: 'latest' });
    expect(resolve('team/app:2')).toEqual({ baseUrl: 'https://registry-1.docker.io', repository: 'team/app', manifestReference: '2' });
  });

  it('uses the configured default registry without library/', () => {
    expect(resolve('busybox:1', 'http://127.0.0.1:5000')).toEqual({ baseUrl: 'http://127.0.0.1:5000', repository: 'busybox', manifestReference: '1' });
  });

  it('picks the scheme from the port and host as Mesos does', () => {
    expect(resolve('localhost:5000/app').baseUrl).toBe('http://localhost:5000');
    expect(resolve('127.0.0.1:5000/app').baseUrl).toBe('http://127.0.0.1:5000');
    expect(resolve('reg.io:80/app').baseUrl).toBe('http://reg.io:80');
    expect(resolve('reg.io:443/app').baseUrl).toBe('https://reg.io:443');
    expect(resolve('reg.io:5000/app').baseUrl).toBe('https://reg.io:5000');
    expect(resolve('reg.io/app').baseUrl).toBe('https://reg.io');
  });

  it('fetches by digest when there is one', () => {
    expect(resolve(`reg.io/app:1@sha256:${'d'.repeat(64)}`).manifestReference).toBe(`sha256:${'d'.repeat(64)}`);
  });

  it('refuses a default registry that is not an http(s) URL', () => {
    const parsed = parseImageReference('busybox');
    const result = parsed.ok ? resolveRegistry(parsed.value, 'ftp://x') : undefined;
    expect(result?.ok).toBe(false);
  });
});
