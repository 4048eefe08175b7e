/**
 * The sorters: orderings of allocator clients (roles, or the frameworks of
 * one role). See sorter.ts for the interface.
 */
export { ResourcePool, type Sorter } from './sorter';
export { DRFSorter, type DRFSorterOptions } from './drf-sorter';
export { RandomSorter, type RandomSorterOptions } from './random-sorter';
