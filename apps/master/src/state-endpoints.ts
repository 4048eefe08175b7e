/** Being built for issue #5: the polled JSON endpoints served from incrementally kept state. */
import type { MasterEndpoint } from './responses';

export const stateEndpoints: readonly MasterEndpoint[] = [];
