// Property and fuzz tests of the pure path and parameter handling: whatever the request path, the attachment
// chosen is a whole-component prefix, and the path below it never climbs out; whatever the query, parsing
// answers a value or a 400, never throws.
import fc from 'fast-check';
import { parseReadQuery } from './query';
import { components, matchAttachment, normalizeVirtualPath } from './virtual-path';

const component = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'b', 'sandbox', 'runs', 'latest', 'stdout') },
  { weight: 2, arbitrary: fc.constantFrom('..', '.', '', '...', '.hidden') },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }).filter((s) => !s.includes('/')) },
);
const rawPath = fc.tuple(fc.boolean(), fc.array(component, { maxLength: 10 }), fc.boolean()).map(([lead, parts, trail]) => `${lead ? '/' : ''}${parts.join('/')}${trail ? '/' : ''}`);

describe('virtual path properties', () => {
  it('normalization is idempotent and yields clean absolute paths', () => {
    fc.assert(
      fc.property(rawPath, (path) => {
        const once = normalizeVirtualPath(path);
        if (!once.ok) return path === '' || path.includes('\0');
        const twice = normalizeVirtualPath(once.value);
        return twice.ok && twice.value === once.value && once.value.startsWith('/') && !once.value.includes('//') && (once.value === '/' || !once.value.endsWith('/')) && !components(once.value).includes('.');
      }),
    );
  });

  it('a match is a whole-component prefix and its rest has no .. and never escapes', () => {
    const attachedPaths = fc.uniqueArray(fc.array(fc.constantFrom('a', 'b', 'sandbox', 'runs'), { maxLength: 3 }), { maxLength: 4 });
    fc.assert(
      fc.property(attachedPaths, rawPath, (attached, path) => {
        const map = new Map(attached.map((parts, i) => [`/${parts.join('/')}`, `/real/${i}`]));
        const normalized = normalizeVirtualPath(path);
        if (!normalized.ok) return true;
        const match = matchAttachment(map, normalized.value);
        if (!match.ok) return match.error.httpStatus === 400;
        if (match.value === undefined) {
          // No attached path is a prefix of the request.
          const parts = components(normalized.value);
          return [...map.keys()].every((key) => {
            const k = components(key);
            return k.length > parts.length || k.some((c, i) => parts[i] !== c);
          });
        }
        const root = components(match.value.virtualRoot);
        const parts = components(normalized.value);
        const prefixOk = root.every((c, i) => parts[i] === c);
        // Replaying the rest below the root by hand never goes above it.
        let depth = 0;
        for (const p of parts.slice(root.length)) depth += p === '..' ? -1 : 1;
        return prefixOk && !match.value.rest.includes('..') && depth === match.value.rest.length && map.has(match.value.virtualRoot);
      }),
    );
  });
});

describe('query parameter fuzzing', () => {
  const value = fc.oneof(fc.string({ maxLength: 25 }), fc.integer().map(String), fc.bigInt().map(String), fc.double().map(String));
  it('never throws; accepted values are within Mesos bounds', () => {
    fc.assert(
      fc.property(fc.option(value), fc.option(value), fc.option(value), (path, offset, length) => {
        const query = new URLSearchParams();
        if (path !== null) query.set('path', path);
        if (offset !== null) query.set('offset', offset);
        if (length !== null) query.set('length', length);
        const out = parseReadQuery(query);
        if (!out.ok) return out.error.httpStatus === 400 && out.error.message.endsWith('.\n');
        return (
          out.value.path !== '' &&
          Number.isSafeInteger(out.value.offset) &&
          out.value.offset >= -1 &&
          (out.value.length === undefined || (Number.isSafeInteger(out.value.length) && out.value.length >= 0))
        );
      }),
      { numRuns: 2000 },
    );
  });
});

describe('confinement on a real tree (fuzz)', () => {
  it('whatever the path, what resolves is inside the attachment', async () => {
    const { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { Files } = await import('./files');
    const base = realpathSync(mkdtempSync(join(tmpdir(), 'files-fuzz-')));
    const root = join(base, 'sandbox');
    mkdirSync(join(root, 'a', 'b'), { recursive: true });
    writeFileSync(join(root, 'a', 'stdout'), 'x');
    writeFileSync(join(base, 'secret'), 'y');
    symlinkSync(base, join(root, 'a', 'up'));
    symlinkSync('../..', join(root, 'a', 'b', 'rel'));
    symlinkSync(join(root, 'a'), join(root, 'inside'));
    const files = new Files({ idNames: { user: String, group: String } });
    files.attach(root, '/sandbox');
    const part = fc.constantFrom('a', 'b', 'stdout', 'up', 'rel', 'inside', 'secret', 'sandbox', '..', '.', '');
    await fc.assert(
      fc.asyncProperty(fc.array(part, { maxLength: 8 }), async (parts) => {
        const path = `/sandbox/${parts.join('/')}`;
        const resolved = await files.resolve(path);
        if (resolved.ok) {
          expect(resolved.value.realPath === root || resolved.value.realPath.startsWith(`${root}/`)).toBe(true);
        } else {
          expect([400, 404]).toContain(resolved.error.httpStatus);
        }
        const read = await files.read(path, 0);
        if (read.ok) expect(read.value.data.toString()).toBe('x');
      }),
      { numRuns: 300 },
    );
  });
});
