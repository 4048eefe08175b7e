import fc from 'fast-check';
import { archiveKind, cacheKey, checkOutputFile, planUri, uriBasename, uriSource } from './uri';

describe('archiveKind', () => {
  it.each([
    ['a.tar', 'tar'],
    ['a.tar.gz', 'tgz'],
    ['a.tgz', 'tgz'],
    ['a.tar.bz2', 'tbz2'],
    ['a.tbz2', 'tbz2'],
    ['a.tar.xz', 'txz'],
    ['a.txz', 'txz'],
    ['a.zip', 'zip'],
    ['a.gz', 'gz'],
    ['a.txt', undefined],
    ['a.tar.gz?x=1', undefined],
    ['a.TAR', undefined],
    ['a.bz2', undefined],
    ['a.xz', undefined],
  ])('%s -> %s', (name, kind) => {
    expect(archiveKind(name)).toBe(kind);
  });
});

describe('uriBasename', () => {
  it('takes the text after the last slash, query included (as Mesos)', () => {
    expect(uriBasename('http://h/a/b.tgz')).toEqual({ ok: true, value: 'b.tgz' });
    expect(uriBasename('http://h/b.tgz?x=1')).toEqual({ ok: true, value: 'b.tgz?x=1' });
    expect(uriBasename('/opt/x/run.sh')).toEqual({ ok: true, value: 'run.sh' });
    expect(uriBasename('/opt/x/')).toEqual({ ok: true, value: 'x' });
  });
  it('refuses a URI without a path and illegal characters', () => {
    expect(uriBasename('http://host')).toEqual({ ok: false, reason: 'Malformed URI (missing path)' });
    expect(uriBasename('http://host/')).toEqual({ ok: false, reason: 'Malformed URI (missing path)' });
    expect(uriBasename("http://h/it's")).toEqual({ ok: false, reason: 'Illegal characters in URI' });
    expect(uriBasename('C:\\x')).toEqual({ ok: false, reason: 'Illegal characters in URI' });
  });
});

describe('uriSource', () => {
  it('classifies http(s), file:// and plain paths', () => {
    expect(uriSource('https://h/x')).toEqual({ ok: true, value: { kind: 'http', url: 'https://h/x' } });
    expect(uriSource('file:///tmp/a')).toEqual({ ok: true, value: { kind: 'local', path: '/tmp/a' } });
    expect(uriSource('file://localhost/tmp/a')).toEqual({ ok: true, value: { kind: 'local', path: '/tmp/a' } });
    expect(uriSource('file:///tmp/a%20b')).toEqual({ ok: true, value: { kind: 'local', path: '/tmp/a b' } });
    expect(uriSource('/tmp/a')).toEqual({ ok: true, value: { kind: 'local', path: '/tmp/a' } });
    expect(uriSource('rel/a', '/home/fw')).toEqual({ ok: true, value: { kind: 'local', path: '/home/fw/rel/a' } });
  });
  it('refuses relative paths without a frameworks home, relative file URIs and other schemes', () => {
    expect(uriSource('rel/a').ok).toBe(false);
    expect(uriSource('file://rel/a')).toEqual({ ok: false, reason: 'File URI only supports absolute paths' });
    expect(uriSource('hdfs://nn/x')).toMatchObject({ ok: false, reason: expect.stringContaining("'hdfs'") });
  });
});

describe('checkOutputFile', () => {
  it('accepts relative names and refuses escapes', () => {
    expect(checkOutputFile('bin/run')).toEqual({ ok: true, value: 'bin/run' });
    expect(checkOutputFile('./run')).toEqual({ ok: true, value: 'run' });
    expect(checkOutputFile('/etc/passwd').ok).toBe(false);
    expect(checkOutputFile('../x').ok).toBe(false);
    expect(checkOutputFile('a/../../x').ok).toBe(false);
    expect(checkOutputFile('').ok).toBe(false);
    expect(checkOutputFile('dir/').ok).toBe(false);
    expect(checkOutputFile('.').ok).toBe(false);
  });
});

describe('planUri', () => {
  it('defaults extract to true, lets executable win, reads the kind from output_file', () => {
    expect(planUri({ value: 'http://h/a.tgz' })).toMatchObject({ ok: true, value: { target: 'a.tgz', archive: 'tgz' } });
    expect(planUri({ value: 'http://h/a.tgz', extract: false })).toMatchObject({ ok: true, value: { archive: undefined } });
    expect(planUri({ value: 'http://h/a.tgz', executable: true })).toMatchObject({ ok: true, value: { archive: undefined, executable: true } });
    expect(planUri({ value: 'http://h/d?id=3', outputFile: 'd.zip' })).toMatchObject({ ok: true, value: { target: 'd.zip', archive: 'zip' } });
    expect(planUri({ value: '  /tmp/x' })).toMatchObject({ ok: true, value: { uri: '/tmp/x' } });
  });
  it('refuses an empty value and a URI naming no file', () => {
    expect(planUri({})).toEqual({ ok: false, reason: 'URI value is empty' });
    expect(planUri({ value: '/' }).ok).toBe(false);
  });
});

describe('properties', () => {
  const segment = fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/);
  const suffix = fc.constantFrom('.tar', '.tar.gz', '.tgz', '.tar.bz2', '.tbz2', '.tar.xz', '.txz', '.zip', '.gz', '.txt', '', '.bin');

  it('an http URI lands under its last path segment, and that name alone decides the archive kind', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 0, maxLength: 4 }), segment, suffix, fc.option(segment), (dirs, name, ext, query) => {
        const file = `${name}${ext}${query === null ? '' : `?q=${query}`}`;
        const uri = `http://example.org/${[...dirs, file].join('/')}`;
        const plan = planUri({ value: uri });
        expect(plan.ok).toBe(true);
        if (!plan.ok) return;
        expect(plan.value.target).toBe(file);
        expect(plan.value.archive).toBe(archiveKind(file));
        // A query string hides the extension, as in Mesos: only an output_file makes such a URI extractable.
        if (query !== null) expect(plan.value.archive).toBeUndefined();
        const named = planUri({ value: uri, outputFile: `${name}${ext}` });
        expect(named.ok ? named.value.archive : 'refused').toBe(archiveKind(`${name}${ext}`));
      }),
    );
  });

  it('an accepted output_file never leaves the sandbox', () => {
    const part = fc.constantFrom('a', 'b', '.', '..', '', 'x.tgz');
    fc.assert(
      fc.property(fc.boolean(), fc.array(part, { minLength: 1, maxLength: 5 }), (absolute, parts) => {
        const name = `${absolute ? '/' : ''}${parts.join('/')}`;
        const checked = checkOutputFile(name);
        if (!checked.ok) return;
        expect(checked.value.startsWith('/')).toBe(false);
        expect(checked.value.split('/')).not.toContain('..');
        expect(checked.value).not.toBe('.');
      }),
    );
  });

  it('cache keys keep users apart', () => {
    fc.assert(
      fc.property(segment, segment, fc.webUrl(), (a, b, url) => {
        fc.pre(a !== b);
        expect(cacheKey(url, a)).not.toBe(cacheKey(url, b));
        expect(cacheKey(url, undefined)).toBe(url);
      }),
    );
  });
});
