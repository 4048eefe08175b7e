/** Being built for issue #5: the web UI's static files at `/`. */
import type { MasterEndpoint } from './responses';

export const webuiEndpoints: readonly MasterEndpoint[] = [];
