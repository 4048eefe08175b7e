/**
 * Images from a local directory of `docker save` archives (Mesos's `--docker_registry=/path/to/dir`, its
 * "image tar puller"). The archive for a reference is `<dir>/<reference>.tar`, the reference written as the task
 * wrote it (`busybox:latest.tar`, `registry.example.com/team/app:1.2.tar` in a subdirectory); a reference
 * without a tag also finds `<name>:latest.tar`, and `<name>:latest` also finds `<name>.tar`.
 *
 * Both archive layouts are read: `manifest.json` (Docker 1.10 and later, podman, skopeo; layers may be plain or
 * gzip tars) and, as Mesos reads them, the older `repositories` file with `<id>/json` + `<id>/layer.tar` chained
 * by `parent`. Each layer is verified against the config's `rootfs.diff_ids` when the config lists them.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, readFile, open } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { createGunzip } from 'node:zlib';
import { MesosTsError } from '@mesos-ts/errors';
import * as tar from 'tar';
import type { PulledImage, PulledLayer, Puller } from './puller';
import { formatImageReference, type ImageReference } from './reference';

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** The sha256 of a layer's uncompressed tar stream (its Docker "diff ID"), gzip undone when present. */
export async function diffId(path: string): Promise<string> {
  const hash = createHash('sha256');
  const input = createReadStream(path);
  const stream = (await isGzip(path)) ? input.pipe(createGunzip()) : input;
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

function fail(message: string, code: 'NOT_FOUND' | 'INVALID_ARGUMENT' = 'INVALID_ARGUMENT'): never {
  throw new MesosTsError(code, message);
}

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return fail(`Image archive has no ${what} ('${path}'): ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return fail(`Image archive's ${what} is not valid JSON: ${(error as Error).message}`);
  }
}

// Archive member names are paths inside the unpacked archive; one that leaves it is refused.
function inside(root: string, member: unknown, what: string): string {
  if (typeof member !== 'string' || member === '') return fail(`Image archive's manifest.json has no ${what}`);
  const path = resolve(root, member);
  if (!path.startsWith(root + sep)) return fail(`Image archive's ${what} '${member}' points outside the archive`);
  return path;
}

/** A {@link Puller} over a directory of `docker save` archives. */
export class ArchivePuller implements Puller {
  /** @param directory the `--docker_registry` directory (absolute). */
  constructor(private readonly directory: string) {}

  /** The archive files tried for a reference, in order. */
  candidates(reference: ImageReference): string[] {
    const written = formatImageReference(reference);
    const names = [written];
    if (reference.digest === undefined && reference.tag === undefined) names.push(`${written}:latest`);
    if (reference.digest === undefined && reference.tag === 'latest') {
      const { tag: _latest, ...untagged } = reference;
      names.push(formatImageReference(untagged));
    }
    return names.map((name) => join(this.directory, `${name}.tar`));
  }

  async pull(reference: ImageReference, staging: string, haveLayer: (digest: string) => boolean): Promise<PulledImage> {
    const candidates = this.candidates(reference);
    let archive: string | undefined;
    for (const candidate of candidates) {
      if (await exists(candidate)) {
        archive = candidate;
        break;
      }
    }
    const name = formatImageReference(reference);
    if (archive === undefined) return fail(`Failed to find archive for image '${name}' at '${candidates.join("' or '")}'`, 'NOT_FOUND');

    let broken: string | undefined;
    const onwarn = (code: string, message: unknown) => {
      if (code === 'TAR_BAD_ARCHIVE' || code === 'TAR_ABORT') broken ??= String(message);
    };
    await tar.x({ file: archive, cwd: staging, preserveOwner: false, onwarn, strict: false });
    if (broken !== undefined) fail(`Image archive '${archive}' is not a valid tar archive: ${broken}`);
    const root = resolve(staging);

    if (await exists(join(root, 'manifest.json'))) return this.fromManifest(root, reference, name, haveLayer);
    if (await exists(join(root, 'repositories'))) return this.fromRepositories(root, reference, name, haveLayer);
    return fail(`Image archive '${archive}' has neither manifest.json nor repositories`);
  }

  private async fromManifest(root: string, reference: ImageReference, name: string, haveLayer: (digest: string) => boolean): Promise<PulledImage> {
    const manifest = await readJson(join(root, 'manifest.json'), 'manifest.json');
    if (!Array.isArray(manifest) || manifest.length === 0) return fail("Image archive's manifest.json is not a non-empty array");
    const tag = reference.tag ?? 'latest';
    const wanted = new Set([
      `${reference.repository}:${tag}`,
      `${name}`,
      `${reference.registry ?? 'docker.io'}/${reference.repository}:${tag}`,
      `docker.io/library/${reference.repository}:${tag}`,
      `localhost/${reference.repository}:${tag}`,
    ]);
    const entries = manifest as Array<Record<string, unknown>>;
    // An archive saved for one image is used whatever its tags say (Mesos picks the archive by file name).
    const entry =
      entries.find((e) => Array.isArray(e['RepoTags']) && (e['RepoTags'] as unknown[]).some((t) => typeof t === 'string' && wanted.has(t))) ??
      (entries.length === 1 ? entries[0] : undefined);
    if (entry === undefined) return fail(`Image archive's manifest.json has no entry tagged '${name}'`, 'NOT_FOUND');

    const configPath = inside(root, entry['Config'], 'Config');
    const config = await readJson(configPath, `config '${String(entry['Config'])}'`);
    const configBytes = await readFile(configPath);
    const configDigest = `sha256:${createHash('sha256').update(configBytes).digest('hex')}`;
    const layerNames = entry['Layers'];
    if (!Array.isArray(layerNames) || layerNames.length === 0) return fail("Image archive's manifest.json entry has no Layers");
    const rootfs = (config as { rootfs?: { diff_ids?: unknown } } | null)?.rootfs;
    const diffIds = Array.isArray(rootfs?.diff_ids) ? (rootfs.diff_ids as unknown[]) : undefined;
    if (diffIds !== undefined && diffIds.length !== layerNames.length) {
      return fail(`Image config lists ${diffIds.length} diff_ids but manifest.json lists ${layerNames.length} layers`);
    }

    const layers: PulledLayer[] = [];
    for (const [i, member] of layerNames.entries()) {
      const file = inside(root, member, `layer ${i}`);
      if (!(await exists(file))) return fail(`Image archive is missing layer '${String(member)}'`);
      const digest = await diffId(file);
      const expected = diffIds?.[i];
      if (expected !== undefined && expected !== digest) {
        return fail(`Layer '${String(member)}' has digest ${digest} but the image config expects ${String(expected)}`);
      }
      if (layers.some((l) => l.digest === digest)) continue;
      layers.push(haveLayer(digest) ? { digest } : { digest, file });
    }
    return { layers, config, configDigest };
  }

  // The pre-1.10 layout Mesos 1.11 reads: `repositories` names the top layer, each `<id>/json` its parent.
  private async fromRepositories(root: string, reference: ImageReference, name: string, haveLayer: (digest: string) => boolean): Promise<PulledImage> {
    const repositories = (await readJson(join(root, 'repositories'), 'repositories')) as Record<string, unknown> | null;
    const repo =
      (repositories?.[reference.repository] as Record<string, unknown> | undefined) ??
      (reference.registry !== undefined ? (repositories?.[`${reference.registry}/${reference.repository}`] as Record<string, unknown> | undefined) : undefined);
    if (typeof repo !== 'object' || repo === null) return fail(`Repository '${reference.repository}' does not exist in 'repositories'`, 'NOT_FOUND');
    const tag = reference.tag ?? 'latest';
    const top = repo[tag];
    if (typeof top !== 'string') return fail(`Tag '${tag}' of image '${name}' is not found in 'repositories'`, 'NOT_FOUND');

    const ids: string[] = [];
    let topJson: unknown;
    for (let id: string | undefined = top; id !== undefined; ) {
      if (ids.includes(id) || !/^[a-f0-9]{64}$/.test(id)) return fail(`Invalid or cyclic layer id '${id}' in image archive`);
      const json = (await readJson(join(root, id, 'json'), `layer json of '${id}'`)) as { parent?: unknown } | null;
      topJson ??= json;
      ids.unshift(id);
      id = typeof json?.parent === 'string' && json.parent !== '' ? json.parent : undefined;
    }
    const layers: PulledLayer[] = [];
    for (const id of ids) {
      const file = join(root, id, 'layer.tar');
      if (!(await exists(file))) return fail(`Image archive is missing layer '${id}/layer.tar'`);
      const digest = await diffId(file);
      if (layers.some((l) => l.digest === digest)) continue;
      layers.push(haveLayer(digest) ? { digest } : { digest, file });
    }
    return { layers, config: topJson };
  }
}
