/**
 * The provisioner: container root filesystems from Docker images without a Docker daemon. See README.md
 * ("The provisioner").
 */
export {
  DEFAULT_PROVISIONER_DIR,
  Provisioner,
  parseDockerRegistryFlag,
  type ProvisionInfo,
  type ProvisionerOptions,
} from './provisioner';
export { computeImageLaunch, parseImageConfig, type ImageConfig, type ImageLaunch } from './image-config';
export {
  DEFAULT_REGISTRY,
  formatImageReference,
  parseImageReference,
  resolveRegistry,
  type ImageReference,
  type RegistryLocation,
} from './reference';
export { DEFAULT_STORE_DIR, DockerStore, type DockerStoreOptions, type StoredImage, type StoreLogger } from './store';
export { ArchivePuller } from './archive-puller';
export { RegistryPuller, type RegistryPullerOptions } from './registry-puller';
export type { Puller, PulledImage, PulledLayer } from './puller';
export { CopyBackend, OverlayBackend, overlaySupported, type Backend, type BackendName } from './backends';
export { applyLayer, extractLayer, type LayerFormat } from './layers';
