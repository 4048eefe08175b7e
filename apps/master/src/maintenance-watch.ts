/**
 * Keeps maintenance in step with the rest of the master through its change feed (events.ts), so that the modules
 * that remove tasks, agents and frameworks need not know about maintenance:
 *
 * - a task removed from a DRAINING agent may complete the drain (Mesos calls `checkAndTransitionDrainingAgent`
 *   wherever a task goes);
 * - an agent removed takes its inverse offers with it (rescinded, as Mesos's `__removeSlave`), and, unless it was
 *   only marked unreachable, its drain and deactivation (Mesos's `_removeSlave` erases them);
 * - a framework removed, disconnected or deactivated loses its outstanding inverse offers (Mesos's
 *   `deactivate(Framework*)` / `removeFramework`).
 *
 * Listeners must not change the master's state while a change is being announced, so everything that does (a drain
 * completing may mark the agent gone) runs right after, on the next turn of the event loop.
 */
import type { MasterCore } from './core';
import { checkDrained } from './drain';
import { dropInverseOffersOf, rescindInverseOffersOn } from './inverse-offers';

/** Subscribes the maintenance bookkeeping to `core.changes`. Called once, by MasterCore's constructor. */
export function watchMaintenance(core: MasterCore): void {
  const pendingChecks = new Set<string>();
  const later = (fn: () => void): void => {
    setImmediate(() => {
      if (!core.isStopped) core.guard('maintenance', fn);
    });
  };
  core.changes.listen((change) => {
    switch (change.kind) {
      case 'task_removed': {
        const agentId = change.task.agentId;
        if (!core.maintenance.draining.has(agentId) || pendingChecks.has(agentId)) return;
        pendingChecks.add(agentId);
        later(() => {
          pendingChecks.delete(agentId);
          checkDrained(core, agentId);
        });
        return;
      }
      case 'agent_removed': {
        const agentId = change.agent.id;
        later(() => {
          // The allocator has forgotten the agent already: only the frameworks need telling.
          rescindInverseOffersOn(core, agentId, false);
          if (change.why === 'removed' && !core.agents.has(agentId)) {
            core.maintenance.draining.delete(agentId);
            core.maintenance.deactivated.delete(agentId);
          }
        });
        return;
      }
      case 'framework_removed': {
        const frameworkId = change.framework.id;
        later(() => dropInverseOffersOf(core, frameworkId, false));
        return;
      }
      case 'framework_updated': {
        const framework = change.framework;
        if (framework.state === 'connected' && framework.active) return;
        if (core.maintenance.inverseOffersTo(framework.id).length === 0) return;
        later(() => {
          if (framework.state !== 'connected' || !framework.active) dropInverseOffersOf(core, framework.id, core.frameworks.has(framework.id));
        });
        return;
      }
      default:
        return;
    }
  });
}
