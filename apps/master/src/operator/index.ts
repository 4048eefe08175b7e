/** The v1 operator API on the master (`POST /api/v1`). Being built for issue #5 (see operator/handler.ts). */
import type { MasterEndpoint } from '../responses';

export const operatorEndpoints: readonly MasterEndpoint[] = [];
