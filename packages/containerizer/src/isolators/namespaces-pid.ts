/**
 * `namespaces/pid`: the container gets a pid namespace of its own (its first process is pid 1 there, and a fresh
 * /proc shows only the container's processes). Needs the linux launcher, which creates the namespace.
 */
import type { ResourceStatistics } from '@mesos-ts/proto';
import { never, type ContainerLimitation, type Isolator, type LaunchContribution } from './isolator';

export class NamespacesPidIsolator implements Isolator {
  readonly name = 'namespaces/pid';
  readonly controllers = [] as const;

  async recover(): Promise<void> {
    // Nothing kept.
  }

  async prepare(): Promise<LaunchContribution> {
    // The mount namespace comes with it: /proc is remounted there for the new pid namespace.
    return { namespaces: ['pid', 'mount'] };
  }

  async isolate(): Promise<void> {
    // The launcher made the namespace before the process executed.
  }

  watch(): Promise<ContainerLimitation> {
    return never();
  }

  async usage(): Promise<Partial<ResourceStatistics>> {
    return {};
  }

  async cleanup(): Promise<void> {
    // The namespace ends with its last process.
  }
}
