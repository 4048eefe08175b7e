import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { findWebuiDirectory, resolveAsset, serveWebui, webuiCandidates } from './webui';

function request(url: string, headers: Record<string, string> = {}, method = 'GET'): IncomingMessage {
  return { url, method, headers } as unknown as IncomingMessage;
}

describe('the web UI files', () => {
  let root: string;
  const script = `console.log(${JSON.stringify('x'.repeat(4000))});`;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'webui-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>ui</title>');
    writeFileSync(join(root, 'assets', 'index-abc.js'), script);
    writeFileSync(join(root, 'assets', 'index-abc.css'), 'body{}');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('answers the page at / and /index.html, revalidated on every load', async () => {
    for (const url of ['/', '/index.html', '/?x=1']) {
      const res = await serveWebui(request(url), root);
      expect(res.status).toBe(200);
      expect(res.headers['Content-Type']).toBe('text/html; charset=utf-8');
      expect(res.headers['Cache-Control']).toBe('no-cache');
      expect(Buffer.from(res.body).toString()).toContain('<title>ui</title>');
    }
  });

  it('answers hashed assets with their type, cached for good, gzipped when accepted', async () => {
    const plain = await serveWebui(request('/assets/index-abc.js'), root);
    expect(plain.headers['Content-Type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['Cache-Control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['Content-Encoding']).toBeUndefined();
    expect(Buffer.from(plain.body).toString()).toBe(script);
    const zipped = await serveWebui(request('/assets/index-abc.js', { 'accept-encoding': 'gzip, deflate, br' }), root);
    expect(zipped.headers['Content-Encoding']).toBe('gzip');
    expect(Number(zipped.headers['Content-Length'])).toBeLessThan(script.length);
    expect(gunzipSync(zipped.body).toString()).toBe(script);
    expect((await serveWebui(request('/assets/index-abc.js', { 'accept-encoding': 'gzip;q=0' }), root)).headers['Content-Encoding']).toBeUndefined();
    // Small files are not worth compressing.
    expect((await serveWebui(request('/assets/index-abc.css', { 'accept-encoding': 'gzip' }), root)).headers['Content-Encoding']).toBeUndefined();
  });

  it('answers 304 for a matching ETag and headers only for HEAD', async () => {
    const first = await serveWebui(request('/assets/index-abc.css'), root);
    const etag = first.headers['ETag'] ?? '';
    expect(etag).toMatch(/^".+"$/);
    expect((await serveWebui(request('/assets/index-abc.css', { 'if-none-match': `"other", ${etag}` }), root)).status).toBe(304);
    const head = await serveWebui(request('/assets/index-abc.css', {}, 'HEAD'), root);
    expect(head.status).toBe(200);
    expect(head.headers['Content-Length']).toBe('6');
    expect(head.body.byteLength).toBe(0);
  });

  it('answers 404 for missing files and paths that leave the directory, 405 for other methods', async () => {
    expect((await serveWebui(request('/assets/nope.js'), root)).status).toBe(404);
    expect((await serveWebui(request('/assets'), root)).status).toBe(404);
    expect((await serveWebui(request('/assets/..%2f..%2fetc%2fpasswd'), root)).status).toBe(404);
    expect((await serveWebui(request('/assets/%E0%A4%A'), root)).status).toBe(404);
    const post = await serveWebui(request('/', {}, 'POST'), root);
    expect(post.status).toBe(405);
    expect(post.headers['Allow']).toBe('GET, HEAD');
  });

  it('says how to build the UI when it is missing', async () => {
    const res = await serveWebui(request('/'), undefined);
    expect(res.status).toBe(404);
    expect(Buffer.from(res.body).toString()).toContain('npm run build');
  });

  it('resolves only paths inside the root', () => {
    expect(resolveAsset(root, '/assets/a.js')).toBe(join(root, 'assets', 'a.js'));
    expect(resolveAsset(root, '/../x')).toBeUndefined();
    expect(resolveAsset(root, '/assets/%2e%2e/%2e%2e/x')).toBeUndefined();
    expect(resolveAsset(root, '/a%00b')).toBeUndefined();
    expect(resolveAsset(root, '/a\\..\\b')).toBeUndefined();
  });

  it('finds the directory from MESOS_TS_WEBUI_DIR, else beside the bundle or in the web UI package', () => {
    expect(webuiCandidates({ MESOS_TS_WEBUI_DIR: root })).toEqual([root]);
    const fromSources = webuiCandidates({});
    expect(fromSources.some((dir) => dir.endsWith(join('apps', 'webui', 'dist')))).toBe(true);
    expect(findWebuiDirectory([join(root, 'missing'), root])).toBe(root);
    expect(findWebuiDirectory([join(root, 'missing')])).toBeUndefined();
  });
});
