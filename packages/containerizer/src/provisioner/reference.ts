/**
 * Docker image references as Mesos reads them (src/docker/spec.cpp): `[registry/]repository[:tag|@digest]`.
 * The first path component is a registry only when it looks like a host (it holds a `.` or a `:`, or is
 * `localhost`), the same heuristic the Docker CLI uses; otherwise the whole string is the repository.
 */
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';

/** A parsed image reference. Absent fields were not written in the reference. */
export interface ImageReference {
  /** `host[:port]`, when the reference names one. */
  readonly registry?: string;
  /** The repository path, e.g. `busybox` or `library/busybox` or `team/app`. */
  readonly repository: string;
  readonly tag?: string;
  /** `algorithm:hex`, e.g. `sha256:…`. A digest wins over a tag when both are written. */
  readonly digest?: string;
}

/** Docker Hub, which serves references without a registry (Mesos's `--docker_registry` default). */
export const DEFAULT_REGISTRY = 'https://registry-1.docker.io';

// Docker's grammar for the parts, loosened where Mesos is loose (Mesos checks nothing; we refuse what no
// registry could serve, so a typo fails at parse time with the part named).
const REPOSITORY_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const REGISTRY = /^[a-zA-Z0-9.-]+(?::[0-9]{1,5})?$|^\[[0-9a-fA-F:]+\](?::[0-9]{1,5})?$/;

/** Parses `[registry/]repository[:tag|@digest]`; the error names the part that is wrong. */
export function parseImageReference(name: string): Result<ImageReference> {
  const invalid = (why: string) =>
    err(new MesosTsError('INVALID_ARGUMENT', `Invalid Docker image reference '${name}': ${why}`));
  if (name.trim() === '') return invalid('it is empty');
  if (/\s/.test(name)) return invalid('it contains white space');

  let rest = name;
  let digest: string | undefined;
  let tag: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return invalid(`digest '${digest}' is not '<algorithm>:<hex>'`);
  }
  // A tag is the text after the last ':' unless a '/' follows it (then the ':' belonged to host:port).
  const colon = rest.lastIndexOf(':');
  if (colon >= 0 && !rest.slice(colon + 1).includes('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return invalid(`tag '${tag}' is not a valid tag`);
  }
  let registry: string | undefined;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      rest = rest.slice(slash + 1);
      if (!REGISTRY.test(registry)) return invalid(`registry '${registry}' is not 'host[:port]'`);
    }
  }
  if (rest === '') return invalid('the repository is empty');
  for (const component of rest.split('/')) {
    if (!REPOSITORY_COMPONENT.test(component)) {
      return invalid(`repository component '${component}' must be lower-case letters, digits and separators`);
    }
  }
  return ok({
    ...(registry !== undefined ? { registry } : {}),
    repository: rest,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  });
}

/** Writes a reference back as Mesos prints it: `registry/repository@digest` or `…:tag` (nothing added). */
export function formatImageReference(reference: ImageReference): string {
  const name = reference.registry !== undefined ? `${reference.registry}/${reference.repository}` : reference.repository;
  if (reference.digest !== undefined) return `${name}@${reference.digest}`;
  if (reference.tag !== undefined) return `${name}:${reference.tag}`;
  return name;
}

/** Where and how to reach a registry: the base URL (`scheme://host[:port]`) and the repository to ask for. */
export interface RegistryLocation {
  /** E.g. `https://registry-1.docker.io` or `http://localhost:5000`. */
  readonly baseUrl: string;
  /** The repository with Docker Hub's `library/` prefix added where it applies. */
  readonly repository: string;
  /** The tag or digest to fetch the manifest by (`latest` when the reference names neither). */
  readonly manifestReference: string;
}

/**
 * Resolves where a reference is pulled from, as Mesos's registry puller does: a reference without a registry
 * goes to `defaultRegistry` (a URL, `https://registry-1.docker.io` by default); a registry named in the
 * reference is reached over `http` for port 80 and for `localhost`/`127.0.0.1` with a port, else `https`.
 * Official images on Docker Hub (`busybox`) live under `library/`.
 */
export function resolveRegistry(reference: ImageReference, defaultRegistry: string = DEFAULT_REGISTRY): Result<RegistryLocation> {
  let baseUrl: string;
  let host: string;
  if (reference.registry !== undefined) {
    const portText = /:(\d+)$/.exec(reference.registry)?.[1];
    host = portText !== undefined ? reference.registry.slice(0, -(portText.length + 1)) : reference.registry;
    const port = portText !== undefined ? Number(portText) : undefined;
    const plain = port === 80 || (port !== undefined && port !== 443 && (host === 'localhost' || host === '127.0.0.1'));
    baseUrl = `${plain ? 'http' : 'https'}://${reference.registry}`;
  } else {
    let url: URL;
    try {
      url = new URL(defaultRegistry);
    } catch {
      return err(new MesosTsError('INVALID_ARGUMENT', `Invalid default registry URL '${defaultRegistry}'`));
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return err(new MesosTsError('INVALID_ARGUMENT', `Default registry '${defaultRegistry}' is not an http(s) URL`));
    }
    baseUrl = `${url.protocol}//${url.host}`;
    host = url.hostname;
  }
  const repository =
    host.includes('docker.io') && !reference.repository.includes('/') ? `library/${reference.repository}` : reference.repository;
  return ok({ baseUrl, repository, manifestReference: reference.digest ?? reference.tag ?? 'latest' });
}
