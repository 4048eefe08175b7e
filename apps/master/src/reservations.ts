/** Being built for issue #5: its endpoints and operator API calls. */
import type { OperatorHandlers } from './operator/handler';
import type { MasterEndpoint } from './responses';

export const reservationEndpoints: readonly MasterEndpoint[] = [];
export const reservationOperatorHandlers: OperatorHandlers = {};
