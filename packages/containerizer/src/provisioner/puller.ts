/**
 * What the two image sources (a directory of `docker save` archives, a Docker Registry v2) hand to the store:
 * the image's layers bottom-first, each with a content digest that names it in the layer cache, and the image
 * config document.
 */
import type { ImageReference } from './reference';

/** One layer of a pulled image. */
export interface PulledLayer {
  /** `sha256:<hex>`: the registry blob digest, or for an archive the digest of the uncompressed layer tar. */
  readonly digest: string;
  /** The verified layer tarball in the staging directory; absent when the store already had the layer. */
  readonly file?: string;
}

/** An image as a puller found it. */
export interface PulledImage {
  /** Bottom layer first, duplicates removed. */
  readonly layers: readonly PulledLayer[];
  /** The image config document (JSON-parsed), the source of {@link ImageConfig}. */
  readonly config: unknown;
  /** The digest of the config blob, when the source names one (registry manifests, `docker save` archives). */
  readonly configDigest?: string;
}

/** An image source. Implementations verify every digest they are given before they hand a file on. */
export interface Puller {
  /**
   * Fetches `reference` into `staging` (an empty directory the caller removes afterwards). `haveLayer(digest)`
   * says whether the layer cache already has a layer, so a puller can skip fetching it. Rejects with a
   * MesosTsError that says what failed (a missing image, a digest mismatch naming the digest, ...).
   */
  pull(reference: ImageReference, staging: string, haveLayer: (digest: string) => boolean, credentials?: string): Promise<PulledImage>;
}
