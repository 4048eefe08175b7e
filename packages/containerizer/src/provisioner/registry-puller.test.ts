import { findCredential, parseAuthenticate } from './registry-puller';

describe('parseAuthenticate', () => {
  it('reads a Bearer challenge with a comma inside a quoted scope', () => {
    expect(parseAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull,push"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull,push' },
    });
  });

  it('reads Basic and unquoted values', () => {
    expect(parseAuthenticate('Basic realm=registry')).toEqual({ scheme: 'basic', params: { realm: 'registry' } });
  });
});

describe('findCredential', () => {
  const auth = Buffer.from('user:pass').toString('base64');

  it('matches host, host:port and URL keys in auths, and the old format', () => {
    expect(findCredential(JSON.stringify({ auths: { 'localhost:5000': { auth } } }), 'localhost:5000')).toBe(auth);
    expect(findCredential(JSON.stringify({ auths: { 'https://reg.io/v1/': { auth } } }), 'reg.io')).toBe(auth);
    expect(findCredential(JSON.stringify({ 'reg.io': { auth } }), 'reg.io')).toBe(auth);
    expect(findCredential(JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth } } }), 'registry-1.docker.io')).toBe(auth);
    expect(findCredential(JSON.stringify({ auths: { 'reg.io': { username: 'user', password: 'pass' } } }), 'reg.io')).toBe(auth);
    expect(findCredential(JSON.stringify({ auths: { 'other.io': { auth } } }), 'reg.io')).toBeUndefined();
    expect(findCredential(undefined, 'reg.io')).toBeUndefined();
  });

  it('refuses a config that is not JSON', () => {
    expect(() => findCredential('{', 'reg.io')).toThrow('Docker config is not valid JSON');
  });
});
