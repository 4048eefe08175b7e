import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Files, filesEndpointOf, handleFilesRequest, utf8WholeCharacters, contentDisposition } from '../src';

let server: Server;
let base: string;
let root: string;
const files = new Files({ idNames: { user: () => 'alice', group: () => 'staff' } });

beforeAll(async () => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'files-http-')));
  root = join(base, 'sandbox');
  mkdirSync(join(root, 'dir'), { recursive: true });
  writeFileSync(join(root, 'stdout'), 'line one\nline two\n');
  writeFileSync(join(root, 'ünï cödé.txt'), 'x');
  writeFileSync(join(root, 'empty'), '');
  files.attach(root, '/frameworks/f/executors/e/runs/latest');
  server = createServer((req, res) => {
    const endpoint = filesEndpointOf(new URL(req.url ?? '/', 'http://x').pathname);
    if (endpoint === undefined) return void res.writeHead(404).end();
    void handleFilesRequest(files, endpoint, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const url = (path: string): string => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
const SANDBOX = '/frameworks/f/executors/e/runs/latest';

describe('/files/* over HTTP', () => {
  it('browse answers FileInfo models, with jsonp', async () => {
    const res = await fetch(url(`/files/browse?path=${encodeURIComponent(SANDBOX)}`));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = (await res.json()) as Array<Record<string, unknown>>;
    expect(body.map((f) => f['path'])).toEqual([`${SANDBOX}/dir`, `${SANDBOX}/empty`, `${SANDBOX}/stdout`, `${SANDBOX}/ünï cödé.txt`]);
    expect(body[0]).toMatchObject({ mode: expect.stringMatching(/^d[rwx-]{9}$/), uid: 'alice', gid: 'staff', nlink: expect.any(Number), mtime: expect.any(Number) });
    expect(body[2]).toMatchObject({ size: 18, mode: expect.stringMatching(/^-rw/) });
    const jsonp = await fetch(url(`/files/browse?path=${encodeURIComponent(SANDBOX)}&jsonp=cb`));
    expect(jsonp.headers.get('content-type')).toBe('text/javascript');
    const text = await jsonp.text();
    expect(text.startsWith('cb([') && text.endsWith('])')).toBe(true);
  });

  it('read answers data and offset, size on offset=-1, with jsonp', async () => {
    const size = await fetch(url(`/files/read?path=${SANDBOX}/stdout&offset=-1`));
    expect(await size.json()).toEqual({ data: '', offset: 18 });
    const part = await fetch(url(`/files/read?path=${SANDBOX}/stdout&offset=5&length=3`));
    expect(await part.json()).toEqual({ data: 'one', offset: 5 });
    const jsonp = await fetch(url(`/files/read.json?path=${SANDBOX}/stdout&offset=0&jsonp=angular.callbacks._0`));
    expect(await jsonp.text()).toBe('angular.callbacks._0({"data":"line one\\nline two\\n","offset":0})');
  });

  it('answers 400 and 404 with messages', async () => {
    const noPath = await fetch(url('/files/read'));
    expect(noPath.status).toBe(400);
    expect(await noPath.text()).toBe("Expecting 'path=value' in query.\n");
    const badOffset = await fetch(url(`/files/read?path=${SANDBOX}/stdout&offset=x`));
    expect(badOffset.status).toBe(400);
    expect(await badOffset.text()).toBe("Failed to parse offset: 'x' is not an integer.\n");
    const missing = await fetch(url(`/files/browse?path=/nothing`));
    expect(missing.status).toBe(404);
    const escape = await fetch(url(`/files/read?path=${SANDBOX}/../../../../x&offset=0`));
    expect(escape.status).toBe(400);
    const dir = await fetch(url(`/files/read?path=${SANDBOX}/dir&offset=0`));
    expect(dir.status).toBe(400);
    expect(await dir.text()).toBe('Cannot read a directory.\n');
  });

  it('download sends the bytes as an attachment', async () => {
    const res = await fetch(url(`/files/download?path=${SANDBOX}/stdout`));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="stdout"');
    expect(await res.text()).toBe('line one\nline two\n');
    const odd = await fetch(url(`/files/download?path=${encodeURIComponent(`${SANDBOX}/ünï cödé.txt`)}`));
    expect(odd.headers.get('content-disposition')).toBe(`attachment; filename="_n_ c_d_.txt"; filename*=UTF-8''${encodeURIComponent('ünï cödé.txt')}`);
    expect(await odd.text()).toBe('x');
    const empty = await fetch(url(`/files/download?path=${SANDBOX}/empty`));
    expect(empty.status).toBe(200);
    expect(await empty.text()).toBe('');
  });

  it('debug lists the attachments', async () => {
    const res = await fetch(url('/files/debug'));
    expect(await res.json()).toEqual({ [SANDBOX]: root });
  });

  it('utf8WholeCharacters never splits a character', () => {
    const bytes = Buffer.from('aé€😀', 'utf8');
    expect(utf8WholeCharacters(bytes)).toBe('aé€😀');
    expect(utf8WholeCharacters(bytes.subarray(0, bytes.length - 1))).toBe('aé€');
    expect(utf8WholeCharacters(bytes.subarray(0, 2))).toBe('a');
    expect(contentDisposition('a"b')).toBe(`attachment; filename="a_b"; filename*=UTF-8''a%22b`);
  });
});
