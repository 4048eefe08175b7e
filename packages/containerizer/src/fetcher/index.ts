/**
 * The fetcher: `CommandInfo.uris` into a container's sandbox, with extraction and a shared download cache.
 * See README.md ("The fetcher").
 */
export {
  Fetcher,
  type CacheUse,
  type FetchedUri,
  type FetcherCacheStats,
  type FetcherOptions,
  type FetchReport,
  type FetchRequest,
} from './fetcher';
export { archiveKind, planUri, uriBasename, type ArchiveKind, type UriPlan } from './uri';
