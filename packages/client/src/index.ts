/**
 * A typed client for Apache Mesos's v1 scheduler HTTP API (`POST /api/v1/scheduler`) on undici:
 * {@link SchedulerClient} subscribes and yields events as an async iterator (heartbeat watchdog, 307 leader
 * redirects, resubscription with the framework ID), and sends calls with the stream id filled in. The pure call
 * builders (`acceptCall`, `launchCall`, ...) are exported too.
 *
 * @packageDocumentation
 */
export { SchedulerClient, type ReconnectOptions, type SchedulerClientOptions, type Subscription } from './scheduler-client';
export { SchedulerError, isSchedulerError, type SchedulerErrorKind } from './errors';
export { ExecutorClient, ExecutorError, executorClientOptionsFromEnv, isExecutorError, randomUuidBytes, type ExecutorClientLogger, type ExecutorClientOptions, type ExecutorErrorKind, type ExecutorSubscription } from './executor-client';
export {
  acceptCall,
  acceptInverseOffersCall,
  acknowledgeCall,
  acknowledgeOperationStatusCall,
  declineCall,
  declineInverseOffersCall,
  killCall,
  messageCall,
  reconcileOperationsCall,
  requestCall,
  shutdownCall,
  updateFrameworkCall,
  type UpdateFrameworkOptions,
  launchCall,
  launchOperation,
  reconcileCall,
  reviveCall,
  suppressCall,
  teardownCall,
  withFrameworkId,
  type OfferIdLike,
  type ReconcileTask,
} from './calls';
