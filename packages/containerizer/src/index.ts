/**
 * @mesos-ts/containerizer: how the mesos-ts agent runs executors. See README.md.
 *
 * @packageDocumentation
 */
export type { ContainerConfig, ContainerTermination, Containerizer, LaunchedContainer } from './types';
export { PosixContainerizer, type ContainerizerLogger, type PosixContainerizerOptions } from './posix-containerizer';
export { describeSignal } from './internal/termination';
export { Fetcher, type FetcherOptions, type FetchRequest, type FetchReport, type FetchedUri, type CacheUse, type FetcherCacheStats } from './fetcher';
