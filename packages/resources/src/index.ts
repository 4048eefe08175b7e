/**
 * @mesos-ts/resources: the Apache Mesos resource model. Scalars (fixed-point,
 * 3 decimals), ranges and sets; roles, static and dynamic reservations with
 * refinement; persistent volumes, disk sources, revocable and shared
 * resources; allocation info; the `--resources` text and JSON forms; and the
 * offer operations that convert resources (RESERVE, UNRESERVE, CREATE,
 * DESTROY, GROW_VOLUME, SHRINK_VOLUME).
 */
export { Resources, type ResourceOperation, type ToProtoOptions } from './resources';
export { ResourceLimits, ResourceQuantities } from './quantities';
export { applyCheckpointed, checkpointedOf } from './checkpoint';
export type { Range, ResourceEntry, ResourceFormat } from './types';
export { parseResource, parseValue, validateResource, validateRole, isStrictSubroleOf, roleAncestors } from './helpers';
