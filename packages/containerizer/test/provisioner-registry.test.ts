/**
 * The provisioner against Docker registries over HTTP, offline:
 *
 * - Debian's `docker-registry` (distribution 2.8), installed by tools/scripts/ensure-registry.sh and started by
 *   this test on a free port; the busybox fixture is pushed through the registry API (gzip layers, schema 2
 *   manifest, and an OCI index with an amd64 and an arm64 entry);
 * - a small registry written here, the test's peer, for what the real one cannot be made to do without a
 *   separate token server: the Bearer token flow with Basic credentials, and a blob whose bytes do not match
 *   its digest.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Image_Type, Secret_Type, type Image } from '@mesos-ts/proto';
import { request } from 'undici';
import { Provisioner, RegistryPuller } from '../src/provisioner';
import { mountsUnder, unmountAll } from '../src/provisioner/backends';
import { buildBusyboxImage, sha256, type FixtureImage } from './fixtures/busybox-image';

const execFileAsync = promisify(execFile);
const isRoot = process.getuid?.() === 0;
const describeRoot = isRoot ? describe : describe.skip;
const ROOT = `/tmp/mesos_ts_test_prov_registry_${process.pid}`;
const REPO = 'mesos-ts/busybox';
const GZIP_LAYER = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

function manifestFor(image: FixtureImage, config: Buffer): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: config.length, digest: sha256(config) },
      layers: image.layers.map((l) => ({ mediaType: GZIP_LAYER, size: l.gzip.length, digest: l.gzipDigest })),
    }),
  );
}

async function push(base: string, blob: Buffer): Promise<void> {
  const start = await request(`${base}/v2/${REPO}/blobs/uploads/`, { method: 'POST' });
  await start.body.dump();
  if (start.statusCode !== 202) throw new Error(`upload start: HTTP ${start.statusCode}`);
  const location = new URL(String(start.headers['location']), base);
  location.searchParams.set('digest', sha256(blob));
  const put = await request(location, { method: 'PUT', body: blob, headers: { 'content-type': 'application/octet-stream' } });
  const text = await put.body.text();
  if (put.statusCode !== 201) throw new Error(`blob upload: HTTP ${put.statusCode} ${text}`);
}

async function putManifest(base: string, ref: string, body: Buffer, mediaType: string): Promise<void> {
  const put = await request(`${base}/v2/${REPO}/manifests/${ref}`, { method: 'PUT', body, headers: { 'content-type': mediaType } });
  const text = await put.body.text();
  if (put.statusCode !== 201) throw new Error(`manifest ${ref}: HTTP ${put.statusCode} ${text}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createTcpServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function waitForRegistry(url: string, deadlineMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}`);
    try {
      const response = await request(url);
      await response.body.dump();
      if (response.statusCode === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`docker-registry did not answer ${url} in ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const docker = (name: string, config?: string): Image => ({
  type: Image_Type.DOCKER,
  docker: { name, ...(config !== undefined ? { config: { type: Secret_Type.VALUE, value: { data: Buffer.from(config) } } } : {}) },
});

let image: FixtureImage;

beforeAll(async () => {
  if (!isRoot) return;
  await mkdir(ROOT, { recursive: true });
  image = await buildBusyboxImage(join(ROOT, 'build'));
}, 300_000);

afterAll(async () => {
  if (!isRoot) return;
  await unmountAll(ROOT).catch(() => undefined);
  await rm(ROOT, { recursive: true, force: true });
});

describeRoot('Provisioner with Debian docker-registry', () => {
  let registry: ChildProcess | undefined;
  let port = 0;
  let base = '';

  beforeAll(async () => {
    await execFileAsync(join(__dirname, '../../../tools/scripts/ensure-registry.sh'), { timeout: 300_000 });
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const dir = join(ROOT, 'registry');
    await mkdir(join(dir, 'data'), { recursive: true });
    await writeFile(
      join(dir, 'config.yml'),
      `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\nhttp:\n  addr: 127.0.0.1:${port}\n`,
    );
    registry = spawn('/usr/bin/docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
    await waitForRegistry(`${base}/v2/`, 60_000, registry);

    for (const layer of image.layers) await push(base, layer.gzip);
    const arm = image.configFor('arm64');
    await push(base, image.config);
    await push(base, arm);
    const amdManifest = manifestFor(image, image.config);
    const armManifest = manifestFor(image, arm);
    await putManifest(base, 'latest', amdManifest, 'application/vnd.docker.distribution.manifest.v2+json');
    await putManifest(base, sha256(armManifest), armManifest, 'application/vnd.docker.distribution.manifest.v2+json');
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', size: armManifest.length, digest: sha256(armManifest), platform: { os: 'linux', architecture: 'arm64' } },
          { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', size: amdManifest.length, digest: sha256(amdManifest), platform: { os: 'linux', architecture: 'amd64' } },
        ],
      }),
    );
    await putManifest(base, 'multi', index, 'application/vnd.oci.image.index.v1+json');
  }, 300_000);

  afterAll(async () => {
    if (registry?.exitCode === null) {
      const exited = new Promise((resolve) => registry?.once('exit', resolve));
      registry.kill('SIGTERM');
      await exited;
    }
  });

  it('pulls by tag (localhost is plain http), verifies, caches, and the rootfs has the image', async () => {
    const provisioner = new Provisioner({ storeDir: join(ROOT, 'real', 'store'), provisionerDir: join(ROOT, 'real', 'prov'), backend: 'overlay' });
    await provisioner.recover([]);
    const name = `localhost:${port}/${REPO}:latest`;
    const first = await provisioner.provision('r1', docker(name));
    if (!first.ok) throw first.error;
    expect(first.value.image.layers).toEqual(image.layers.map((l) => l.gzipDigest));
    expect(first.value.image.configDigest).toBe(image.configDigest);
    expect(first.value.config).toMatchObject({ entrypoint: ['/bin/hello'], architecture: 'amd64' });
    expect(existsSync(join(first.value.rootfs, 'bin', 'busybox'))).toBe(true);
    expect(existsSync(join(first.value.rootfs, 'etc', 'doomed'))).toBe(false);
    expect((await readdir(join(first.value.rootfs, 'opt', 'data'))).sort()).toEqual(['c']);
    const { stdout } = await execFileAsync('/usr/sbin/chroot', [first.value.rootfs, '/bin/hello', 'x'], { env: { PATH: '/bin', GREETING: 'registry' } });
    expect(stdout.trim()).toBe('hello from registry in / args: x');

    const second = await provisioner.provision('r2', docker(name));
    expect(second.ok).toBe(true);
    expect(provisioner.imageStore?.pulls).toBe(1);

    for (const id of ['r1', 'r2']) expect(await provisioner.destroy(id)).toEqual({ ok: true, value: true });
    expect(await mountsUnder(join(ROOT, 'real'))).toEqual([]);
  });

  it('picks linux/amd64 from an OCI index, and another platform when asked', async () => {
    const provisioner = new Provisioner({ storeDir: join(ROOT, 'index', 'store'), provisionerDir: join(ROOT, 'index', 'prov'), backend: 'copy' });
    const result = await provisioner.provision('i1', docker(`localhost:${port}/${REPO}:multi`));
    if (!result.ok) throw result.error;
    expect(result.value.config.architecture).toBe(process.arch === 'x64' ? 'amd64' : result.value.config.architecture);
    await provisioner.destroy('i1');

    const puller = new RegistryPuller({ platform: { os: 'linux', architecture: 'arm64' } });
    const staging = join(ROOT, 'index', 'staging-arm');
    await mkdir(staging, { recursive: true });
    const pulled = await puller.pull({ registry: `localhost:${port}`, repository: REPO, tag: 'multi' }, staging, () => true);
    expect(pulled.config).toMatchObject({ architecture: 'arm64' });
    expect(pulled.layers.every((l) => l.file === undefined)).toBe(true); // the cache "had" them: nothing fetched

    const none = new RegistryPuller({ platform: { os: 'linux', architecture: 's390x' } });
    await expect(none.pull({ registry: `localhost:${port}`, repository: REPO, tag: 'multi' }, staging, () => true)).rejects.toThrow('no manifest for platform linux/s390x');
  });

  it('an unknown tag is NOT_FOUND with the URL', async () => {
    const provisioner = new Provisioner({ storeDir: join(ROOT, 'nf', 'store'), provisionerDir: join(ROOT, 'nf', 'prov'), backend: 'copy' });
    const result = await provisioner.provision('n', docker(`localhost:${port}/${REPO}:nope`));
    expect(!result.ok && result.error.code).toBe('NOT_FOUND');
    expect(!result.ok && result.error.message).toContain(`/v2/${REPO}/manifests/nope`);
  });
});

describeRoot('Provisioner with a token-auth registry (test peer)', () => {
  let server: Server;
  let storage: Server;
  let storageBase = '';
  const storageCalls: string[] = [];
  let base = '';
  const calls: string[] = [];
  let corrupt: string | undefined;
  const USER = Buffer.from('alice:secret').toString('base64');

  beforeAll(async () => {
    const blobs = new Map<string, Buffer>();
    for (const l of image.layers) blobs.set(l.gzipDigest, l.gzip);
    blobs.set(image.configDigest, image.config);
    const manifest = manifestFor(image, image.config);
    // Blob storage on another origin, as registries redirect to S3: it must not see the registry's token.
    storage = createServer((req, res) => {
      storageCalls.push(`${req.url ?? ''} ${req.headers.authorization ?? '-'}`);
      const blob = blobs.get((req.url ?? '').slice('/blob/'.length));
      if (blob === undefined) return res.writeHead(404).end();
      return res.writeHead(200).end(blob);
    });
    await new Promise<void>((resolve) => storage.listen(0, '127.0.0.1', resolve));
    storageBase = `http://127.0.0.1:${(storage.address() as AddressInfo).port}`;
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', base);
      calls.push(`${req.method} ${url.pathname} ${req.headers.authorization ?? '-'}`);
      if (url.pathname === '/token') {
        if (req.headers.authorization !== `Basic ${USER}`) return res.writeHead(401).end();
        if (url.searchParams.get('service') !== 'fake-registry' || url.searchParams.get('scope') !== `repository:${REPO}:pull`) return res.writeHead(400).end();
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 'good-token' }));
      }
      if (req.headers.authorization !== 'Bearer good-token') {
        res.setHeader('www-authenticate', `Bearer realm="${base}/token",service="fake-registry",scope="repository:${REPO}:pull"`);
        return res.writeHead(401).end();
      }
      if (url.pathname === `/v2/${REPO}/manifests/latest`) {
        return res.writeHead(200, { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' }).end(manifest);
      }
      const digest = url.pathname.startsWith(`/v2/${REPO}/blobs/`) ? url.pathname.slice(`/v2/${REPO}/blobs/`.length) : '';
      const blob = blobs.get(digest);
      if (blob === undefined) return res.writeHead(404).end();
      if (digest === image.layers[0].gzipDigest) return res.writeHead(307, { location: `${storageBase}/blob/${digest}` }).end();
      const bytes = Buffer.from(blob);
      if (digest === corrupt) bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0xff;
      return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await new Promise((resolve) => storage.close(resolve));
  });

  const name = () => `${base.slice('http://'.length)}/${REPO}:latest`;
  const credentials = () => JSON.stringify({ auths: { [base.slice('http://'.length)]: { auth: USER } } });

  it('follows the Bearer challenge to the token service with the Basic credentials of Image.docker.config', async () => {
    calls.length = 0;
    const provisioner = new Provisioner({ storeDir: join(ROOT, 'token', 'store'), provisionerDir: join(ROOT, 'token', 'prov'), backend: 'copy' });
    const result = await provisioner.provision('t1', docker(name(), credentials()));
    if (!result.ok) throw result.error;
    expect(existsSync(join(result.value.rootfs, 'bin', 'busybox'))).toBe(true);
    expect(calls[0]).toBe(`GET /v2/${REPO}/manifests/latest -`);
    expect(calls[1]).toBe(`GET /token Basic ${USER}`);
    expect(calls.slice(2).every((c) => c.endsWith('Bearer good-token'))).toBe(true);
    expect(calls.filter((c) => c.includes('/blobs/'))).toHaveLength(3); // config + 2 layers, each once
    expect(storageCalls).toEqual([`/blob/${image.layers[0].gzipDigest} -`]); // redirected, without the token
    await provisioner.destroy('t1');
  });

  it('without credentials the token service refuses and the error says so', async () => {
    const provisioner = new Provisioner({ storeDir: join(ROOT, 'noauth', 'store'), provisionerDir: join(ROOT, 'noauth', 'prov'), backend: 'copy' });
    const result = await provisioner.provision('t2', docker(name()));
    expect(!result.ok && result.error.code).toBe('UNAUTHENTICATED');
    expect(!result.ok && result.error.message).toContain('answered HTTP 401');
  });

  it('a corrupted blob is refused with its digest named, and nothing of it is kept', async () => {
    corrupt = image.layers[1].gzipDigest;
    try {
      const storeDir = join(ROOT, 'corrupt', 'store');
      const provisioner = new Provisioner({ storeDir, provisionerDir: join(ROOT, 'corrupt', 'prov'), dockerConfig: credentials(), backend: 'overlay' });
      const result = await provisioner.provision('c1', docker(name()));
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.message).toContain(`Blob ${corrupt} of image`);
        expect(result.error.message).toContain('failed verification');
      }
      expect(existsSync(join(storeDir, 'layers', corrupt.slice(7)))).toBe(false);
      expect(await readdir(join(storeDir, 'staging'))).toEqual([]);
      expect(existsSync(join(ROOT, 'corrupt', 'prov', 'containers', 'c1'))).toBe(false);
    } finally {
      corrupt = undefined;
    }
  });
});
