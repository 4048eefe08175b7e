/**
 * Images from a Docker Registry v2 (distribution) over HTTP(S), with undici. What Mesos's registry puller and
 * docker URI fetcher do, in one place:
 *
 * - `GET /v2/<repo>/manifests/<tag|digest>` accepting Docker schema 2 and OCI manifests, and manifest lists /
 *   OCI indexes, from which the entry for the wanted platform (linux/amd64 on x64) is fetched by digest;
 * - the config blob and every layer blob the store lacks, each hashed while it streams to disk and refused
 *   when the hash differs from its digest (the error names the digest);
 * - authentication: a 401 with `WWW-Authenticate: Bearer realm=…,service=…,scope=…` sends us to the token
 *   service (with Basic credentials from the Docker config when there are some), and the request is repeated
 *   with the token; a `Basic` challenge is answered with the credentials directly.
 *
 * Schema 1 manifests (deprecated by Docker, refused by Docker Hub since 2024) are not read.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MesosTsError } from '@mesos-ts/errors';
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import type { PulledImage, PulledLayer, Puller } from './puller';
import { DEFAULT_REGISTRY, formatImageReference, resolveRegistry, type ImageReference, type RegistryLocation } from './reference';

/** Media types of manifests we read. */
export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;

// Layer media types node-tar can unpack (plain and gzip tar); zstd layers are refused by name.
const READABLE_LAYERS = new Set([
  'application/vnd.docker.image.rootfs.diff.tar.gzip',
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  'application/vnd.oci.image.layer.v1.tar',
  'application/vnd.oci.image.layer.v1.tar+gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
]);

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Options of {@link RegistryPuller}. */
export interface RegistryPullerOptions {
  /** Where references without a registry go (Mesos's `--docker_registry` when it is a URL). */
  readonly defaultRegistry?: string;
  /** A Docker config file's contents (`{"auths": {"host": {"auth": "base64(user:pass)"}}}`), Mesos's `--docker_config`. */
  readonly dockerConfig?: string;
  /** The platform picked from manifest lists; default linux and the agent's architecture in Go's words. */
  readonly platform?: { readonly os: string; readonly architecture: string };
  /** The undici dispatcher (TLS settings, proxies); default an Agent that follows up to 5 redirects. */
  readonly dispatcher?: Dispatcher;
}

/** Parses a `WWW-Authenticate` header: the scheme and its `key="value"` parameters (values may hold commas). */
export function parseAuthenticate(header: string): { scheme: string; params: Record<string, string> } {
  const match = /^\s*(\S+)\s*(.*)$/.exec(header);
  const scheme = match?.[1] ?? '';
  const params: Record<string, string> = {};
  const re = /([a-zA-Z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (let m = re.exec(match?.[2] ?? ''); m !== null; m = re.exec(match?.[2] ?? '')) {
    params[(m[1] as string).toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
  }
  return { scheme: scheme.toLowerCase(), params };
}

/** Finds the Basic credential (`base64(user:pass)`) for a registry host in a Docker config file's contents. */
export function findCredential(dockerConfig: string | undefined, registryHost: string): string | undefined {
  if (dockerConfig === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(dockerConfig);
  } catch (error) {
    throw new MesosTsError('INVALID_ARGUMENT', `Docker config is not valid JSON: ${(error as Error).message}`);
  }
  const root = (parsed as Record<string, unknown> | null) ?? {};
  const auths = (typeof root['auths'] === 'object' && root['auths'] !== null ? root['auths'] : root) as Record<string, unknown>;
  for (const [key, value] of Object.entries(auths)) {
    // Keys are `host`, `host:port` or URLs like `https://index.docker.io/v1/`; Mesos compares the host part.
    const host = key.replace(/^https?:\/\//, '').split('/')[0];
    const isHub = registryHost.endsWith('docker.io') && (host === 'index.docker.io' || host === 'docker.io');
    if (host !== registryHost && !isHub) continue;
    const entry = value as Record<string, unknown> | null;
    if (typeof entry?.['auth'] === 'string' && entry['auth'] !== '') return entry['auth'];
    if (typeof entry?.['username'] === 'string' && typeof entry['password'] === 'string') {
      return Buffer.from(`${entry['username']}:${entry['password']}`).toString('base64');
    }
  }
  return undefined;
}

function goArch(arch: string): string {
  return ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[arch] ?? arch;
}

interface Descriptor {
  readonly mediaType?: string;
  readonly digest: string;
  readonly size?: number;
  readonly platform?: { os?: string; architecture?: string; variant?: string };
}

function descriptors(value: unknown, field: string): Descriptor[] {
  if (!Array.isArray(value)) throw new MesosTsError('INVALID_ARGUMENT', `Image manifest has no '${field}' array`);
  return value.map((d, i) => {
    const digest = (d as { digest?: unknown } | null)?.digest;
    if (typeof digest !== 'string' || !DIGEST.test(digest)) {
      throw new MesosTsError('INVALID_ARGUMENT', `Image manifest '${field}[${i}]' has no valid sha256 digest`);
    }
    return d as Descriptor;
  });
}

/** A {@link Puller} for a Docker Registry v2. */
export class RegistryPuller implements Puller {
  private readonly dispatcher: Dispatcher;
  private readonly defaultRegistry: string;
  private readonly platform: { readonly os: string; readonly architecture: string };

  constructor(private readonly options: RegistryPullerOptions = {}) {
    this.dispatcher = options.dispatcher ?? new Agent().compose(interceptors.redirect({ maxRedirections: 5 }));
    this.defaultRegistry = options.defaultRegistry ?? DEFAULT_REGISTRY;
    this.platform = options.platform ?? { os: 'linux', architecture: goArch(process.arch) };
  }

  async pull(reference: ImageReference, staging: string, haveLayer: (digest: string) => boolean, credentials?: string): Promise<PulledImage> {
    const located = resolveRegistry(reference, this.defaultRegistry);
    if (!located.ok) throw located.error;
    const session = new RegistrySession(located.value, this.dispatcher, formatImageReference(reference), this.credential(located.value, credentials));

    let { document, digest } = await session.manifest(located.value.manifestReference);
    if (reference.digest !== undefined && digest !== reference.digest) {
      throw new MesosTsError('INVALID_ARGUMENT', `Manifest of image '${session.name}' has digest ${digest}, not the ${reference.digest} asked for`);
    }
    const mediaType = document['mediaType'];
    if (mediaType === MEDIA_TYPES.dockerList || mediaType === MEDIA_TYPES.ociIndex || (mediaType === undefined && Array.isArray(document['manifests']))) {
      const entries = descriptors(document['manifests'], 'manifests');
      const chosen = entries.find((e) => e.platform?.os === this.platform.os && e.platform?.architecture === this.platform.architecture);
      if (chosen === undefined) {
        throw new MesosTsError('NOT_FOUND', `Image '${session.name}' has no manifest for platform ${this.platform.os}/${this.platform.architecture}`);
      }
      ({ document, digest } = await session.manifest(chosen.digest));
      if (digest !== chosen.digest) {
        throw new MesosTsError('INVALID_ARGUMENT', `Manifest ${chosen.digest} of image '${session.name}' arrived with digest ${digest}`);
      }
    }
    if (document['schemaVersion'] !== 2 || typeof document['config'] !== 'object') {
      throw new MesosTsError('NOT_IMPLEMENTED', `Image '${session.name}' has a manifest of schema version ${String(document['schemaVersion'])}; only schema 2 and OCI manifests are supported`);
    }
    const [config] = descriptors([document['config']], 'config');
    const configFile = join(staging, 'config.json');
    await session.blob(config as Descriptor, configFile);
    let configDocument: unknown;
    try {
      configDocument = JSON.parse(await readFile(configFile, 'utf8'));
    } catch (error) {
      throw new MesosTsError('INVALID_ARGUMENT', `Config blob ${(config as Descriptor).digest} of image '${session.name}' is not JSON: ${(error as Error).message}`);
    }

    const layers: PulledLayer[] = [];
    for (const layer of descriptors(document['layers'], 'layers')) {
      if (layers.some((l) => l.digest === layer.digest)) continue;
      if (layer.mediaType !== undefined && !READABLE_LAYERS.has(layer.mediaType)) {
        throw new MesosTsError('NOT_IMPLEMENTED', `Layer ${layer.digest} of image '${session.name}' has media type '${layer.mediaType}', which cannot be unpacked`);
      }
      if (haveLayer(layer.digest)) {
        layers.push({ digest: layer.digest });
        continue;
      }
      const file = join(staging, `${layer.digest.slice('sha256:'.length)}.blob`);
      await session.blob(layer, file);
      layers.push({ digest: layer.digest, file });
    }
    return { layers, config: configDocument, configDigest: (config as Descriptor).digest };
  }

  private credential(location: RegistryLocation, dockerConfig: string | undefined): string | undefined {
    const host = new URL(location.baseUrl).host;
    return findCredential(dockerConfig, host) ?? findCredential(this.options.dockerConfig, host);
  }
}

/** One pull's conversation with a registry: it keeps the bearer token it earned for the repository. */
class RegistrySession {
  private authorization: string | undefined;

  constructor(
    private readonly location: RegistryLocation,
    private readonly dispatcher: Dispatcher,
    readonly name: string,
    private readonly basic: string | undefined,
  ) {}

  private url(kind: 'manifests' | 'blobs', ref: string): string {
    return `${this.location.baseUrl}/v2/${this.location.repository}/${kind}/${ref}`;
  }

  private async get(url: string, headers: Record<string, string>, what: string): Promise<Dispatcher.ResponseData> {
    for (let attempt = 0; ; attempt++) {
      const all = this.authorization !== undefined ? { ...headers, authorization: this.authorization } : headers;
      let response: Dispatcher.ResponseData;
      try {
        response = await request(url, { method: 'GET', headers: all, dispatcher: this.dispatcher });
      } catch (error) {
        throw new MesosTsError('UNAVAILABLE', `Failed to fetch ${what} of image '${this.name}' from '${url}': ${(error as Error).message}`, { cause: error });
      }
      if (response.statusCode === 401 && attempt === 0) {
        const challenge = response.headers['www-authenticate'];
        await response.body.dump();
        await this.authenticate(Array.isArray(challenge) ? challenge[0] : challenge, url);
        continue;
      }
      if (response.statusCode >= 200 && response.statusCode < 300) return response;
      const text = (await response.body.text().catch(() => '')).slice(0, 300);
      const code = response.statusCode === 404 ? 'NOT_FOUND' : response.statusCode === 401 || response.statusCode === 403 ? 'UNAUTHENTICATED' : 'UNAVAILABLE';
      throw new MesosTsError(code, `Failed to fetch ${what} of image '${this.name}' from '${url}': HTTP ${response.statusCode}${text !== '' ? `: ${text.trim()}` : ''}`);
    }
  }

  private async authenticate(challenge: string | undefined, url: string): Promise<void> {
    if (challenge === undefined) {
      throw new MesosTsError('UNAUTHENTICATED', `Registry answered 401 without WWW-Authenticate for '${url}'`);
    }
    const { scheme, params } = parseAuthenticate(challenge);
    if (scheme === 'basic') {
      if (this.basic === undefined) throw new MesosTsError('UNAUTHENTICATED', `Registry wants Basic credentials for image '${this.name}' and none are configured`);
      this.authorization = `Basic ${this.basic}`;
      return;
    }
    if (scheme !== 'bearer' || params['realm'] === undefined) {
      throw new MesosTsError('UNAUTHENTICATED', `Unsupported WWW-Authenticate challenge '${challenge}' for '${url}'`);
    }
    let tokenUrl: URL;
    try {
      tokenUrl = new URL(params['realm']);
    } catch {
      throw new MesosTsError('UNAUTHENTICATED', `Invalid token realm '${params['realm']}' in WWW-Authenticate`);
    }
    if (params['service'] !== undefined) tokenUrl.searchParams.set('service', params['service']);
    tokenUrl.searchParams.set('scope', params['scope'] ?? `repository:${this.location.repository}:pull`);
    const headers: Record<string, string> = this.basic !== undefined ? { authorization: `Basic ${this.basic}` } : {};
    let response: Dispatcher.ResponseData;
    try {
      response = await request(tokenUrl, { method: 'GET', headers, dispatcher: this.dispatcher });
    } catch (error) {
      throw new MesosTsError('UNAVAILABLE', `Failed to get a token from '${tokenUrl.origin}${tokenUrl.pathname}': ${(error as Error).message}`, { cause: error });
    }
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new MesosTsError('UNAUTHENTICATED', `Token service '${tokenUrl.origin}${tokenUrl.pathname}' answered HTTP ${response.statusCode} for image '${this.name}'`);
    }
    const body = (await response.body.json().catch(() => undefined)) as { token?: unknown; access_token?: unknown } | undefined;
    const token = typeof body?.token === 'string' ? body.token : typeof body?.access_token === 'string' ? body.access_token : undefined;
    if (token === undefined || token === '') {
      throw new MesosTsError('UNAUTHENTICATED', `Token service '${tokenUrl.origin}${tokenUrl.pathname}' returned no token`);
    }
    this.authorization = `Bearer ${token}`;
  }

  /** Fetches a manifest; returns it parsed with the sha256 of its bytes (its content digest). */
  async manifest(ref: string): Promise<{ document: Record<string, unknown>; digest: string }> {
    const accept = Object.values(MEDIA_TYPES).join(', ');
    const response = await this.get(this.url('manifests', ref), { accept }, `manifest '${ref}'`);
    const bytes = Buffer.from(await response.body.arrayBuffer());
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    let document: unknown;
    try {
      document = JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      throw new MesosTsError('INVALID_ARGUMENT', `Manifest '${ref}' of image '${this.name}' is not JSON: ${(error as Error).message}`);
    }
    if (typeof document !== 'object' || document === null || Array.isArray(document)) {
      throw new MesosTsError('INVALID_ARGUMENT', `Manifest '${ref}' of image '${this.name}' is not a JSON object`);
    }
    return { document: document as Record<string, unknown>, digest };
  }

  /** Streams a blob to `file`, hashing it on the way; a digest (or size) mismatch is refused by digest. */
  async blob(descriptor: Descriptor, file: string): Promise<void> {
    const response = await this.get(this.url('blobs', descriptor.digest), {}, `blob ${descriptor.digest}`);
    const hash = createHash('sha256');
    let size = 0;
    const hasher = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    });
    try {
      await pipeline(response.body, hasher, createWriteStream(file));
    } catch (error) {
      throw new MesosTsError('UNAVAILABLE', `Failed to download blob ${descriptor.digest} of image '${this.name}': ${(error as Error).message}`, { cause: error });
    }
    const actual = `sha256:${hash.digest('hex')}`;
    if (actual !== descriptor.digest) {
      throw new MesosTsError('INVALID_ARGUMENT', `Blob ${descriptor.digest} of image '${this.name}' failed verification: its content has digest ${actual}`);
    }
    if (descriptor.size !== undefined && descriptor.size !== size) {
      throw new MesosTsError('INVALID_ARGUMENT', `Blob ${descriptor.digest} of image '${this.name}' has ${size} bytes, the manifest says ${descriptor.size}`);
    }
  }
}
