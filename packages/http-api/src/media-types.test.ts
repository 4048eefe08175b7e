import { acceptsMediaType, getHeader, mediaTypeOf } from './index';

const JSON_ = 'application/json';
const PB = 'application/x-protobuf';

describe('acceptsMediaType (libprocess Request::_acceptsMediaType)', () => {
  it.each<[string | undefined, string, boolean]>([
    // No header: everything is acceptable.
    [undefined, JSON_, true],
    // A present but empty header accepts nothing.
    ['', JSON_, false],
    [' , ', JSON_, false],
    // Exact, case-insensitive, whitespace removed.
    [JSON_, JSON_, true],
    ['Application/JSON', JSON_, true],
    [' application / json ', JSON_, true],
    [PB, JSON_, false],
    [`${PB}, ${JSON_}`, JSON_, true],
    // Wildcards.
    ['*/*', JSON_, true],
    ['application/*', PB, true],
    ['text/*', JSON_, false],
    ['*/json', JSON_, false],
    // q-values: only 0 (or less, or not a number) refuses.
    [`${JSON_};q=0`, JSON_, false],
    [`${JSON_};q=0.0`, JSON_, false],
    [`${JSON_};q=0.001`, JSON_, true],
    [`${JSON_};q=1`, JSON_, true],
    [`${JSON_};q=2`, JSON_, true],
    [`${JSON_};q=-1`, JSON_, false],
    [`${JSON_};q=abc`, JSON_, false],
    [`${JSON_};q=1e-3`, JSON_, true],
    [`${JSON_};q=inf`, JSON_, true],
    [`${JSON_};q=nan`, JSON_, false],
    [`${JSON_};q=0x1`, JSON_, false],
    [`${JSON_};q=`, JSON_, true], // malformed pair: ignored, so no q
    [`${JSON_};Q=0`, JSON_, true], // keys are case-sensitive
    [`${JSON_};q=0;q=0`, JSON_, true], // two q values count as none
    [`${JSON_};level=1;q=0`, JSON_, false],
    // The first entry matching the most specific candidate decides.
    [`${JSON_};q=0, */*`, JSON_, false],
    [`*/*;q=0, application/*`, JSON_, true],
    [`application/*;q=0, */*`, JSON_, false],
    [`*/*;q=0, ${JSON_}`, JSON_, true],
    [`${JSON_};q=0, ${JSON_}`, JSON_, false],
    [`*/*;q=0`, PB, false],
  ])('Accept %p admits %s: %p', (header, type, expected) => {
    expect(acceptsMediaType(header, type)).toBe(expected);
  });

  it('refuses a media type that is not type/subtype', () => {
    expect(acceptsMediaType(undefined, 'json')).toBe(false);
    expect(acceptsMediaType('*/*', 'a/b/c')).toBe(false);
  });
});

describe('getHeader', () => {
  it('finds names case-insensitively and joins repeated values', () => {
    expect(getHeader({ accept: 'a/b' }, 'Accept')).toBe('a/b');
    expect(getHeader({ 'Content-Type': 'a/b' }, 'content-type')).toBe('a/b');
    expect(getHeader({ accept: ['a/b', 'c/d'] }, 'Accept')).toBe('a/b, c/d');
    expect(getHeader({ accept: '' }, 'Accept')).toBe('');
    expect(getHeader({}, 'Accept')).toBeUndefined();
  });

  it('names media types as Mesos stringifies ContentType', () => {
    expect([mediaTypeOf('json'), mediaTypeOf('protobuf'), mediaTypeOf('recordio')]).toEqual([
      'application/json',
      'application/x-protobuf',
      'application/recordio',
    ]);
  });
});
