/**
 * Routes the master's events (docs/master-agent-protocol.md) to the agent core, after checking the fields each
 * one needs; an event missing them is logged and dropped (the master is ours, so this is a bug report, not
 * input to answer). REGISTERED, PING and SHUTDOWN are the master link's own.
 */
import { internal } from '@mesos-ts/proto';
import type { AgentCore } from './agent-core';
import type { Logger } from './log';

/** Hands one event to the core. */
export function dispatchMasterEvent(core: AgentCore, event: internal.AgentEvent, log: Logger): void {
  const T = internal.AgentEvent_Type;
  const name = T[event.type ?? 0] ?? String(event.type);
  const missing = (what: string): void => log.error(`Ignoring ${name} from the master without ${what}`);
  switch (event.type) {
    case T.RUN_TASK: {
      const run = event.runTask;
      if (run?.framework === undefined || run.frameworkId?.value === undefined || run.task?.taskId?.value === undefined) {
        return missing("'framework', 'framework_id' or 'task.task_id'");
      }
      return core.runTask(run.framework, run.frameworkId.value, run.task, run.launchExecutor);
    }
    case T.RUN_TASK_GROUP: {
      const run = event.runTaskGroup;
      const tasks = run?.taskGroup?.tasks ?? [];
      if (run?.framework === undefined || run.frameworkId?.value === undefined || run.executor?.executorId?.value === undefined) {
        return missing("'framework', 'framework_id' or 'executor.executor_id'");
      }
      if (tasks.length === 0 || tasks.some((t) => t.taskId?.value === undefined)) return missing("tasks, each with 'task_id'");
      return core.runTaskGroup(run.framework, run.frameworkId.value, run.executor, run.taskGroup!, run.launchExecutor);
    }
    case T.KILL_TASK: {
      const kill = event.killTask;
      if (kill?.frameworkId?.value === undefined || kill.taskId?.value === undefined) return missing("'framework_id' or 'task_id'");
      return core.killTask(kill.frameworkId.value, kill.taskId.value, kill.killPolicy);
    }
    case T.SHUTDOWN_FRAMEWORK: {
      const frameworkId = event.shutdownFramework?.frameworkId?.value;
      if (frameworkId === undefined) return missing("'framework_id'");
      return core.shutdownFramework(frameworkId);
    }
    case T.SHUTDOWN_EXECUTOR: {
      const { frameworkId, executorId } = event.shutdownExecutor ?? {};
      if (frameworkId?.value === undefined || executorId?.value === undefined) return missing("'framework_id' or 'executor_id'");
      return core.shutdownExecutor(frameworkId.value, executorId.value);
    }
    case T.ACKNOWLEDGE: {
      const ack = event.acknowledge;
      if (ack?.frameworkId?.value === undefined || ack.taskId?.value === undefined || ack.uuid === undefined) {
        return missing("'framework_id', 'task_id' or 'uuid'");
      }
      return core.acknowledge(ack.frameworkId.value, ack.taskId.value, ack.uuid);
    }
    case T.FRAMEWORK_MESSAGE: {
      const message = event.frameworkMessage;
      if (message?.frameworkId?.value === undefined || message.executorId?.value === undefined || message.data === undefined) {
        return missing("'framework_id', 'executor_id' or 'data'");
      }
      return core.frameworkMessage(message.frameworkId.value, message.executorId.value, message.data);
    }
    case T.UPDATE_FRAMEWORK: {
      const framework = event.updateFramework?.framework;
      if (framework?.id?.value === undefined) return missing("'framework.id'");
      return core.updateFramework(framework);
    }
    case T.DRAIN: {
      const config = event.drain?.config;
      if (config === undefined) return missing("'config'");
      return core.drain(config);
    }
    case T.APPLY_OPERATION: {
      const apply = event.applyOperation;
      if (apply?.operation?.type === undefined || apply.operationUuid === undefined) return missing("'operation' or 'operation_uuid'");
      return core.applyOperation(apply);
    }
    default:
      log.warn(`Ignoring event ${name} from the master`);
  }
}
