import { OperationState, scheduler, toMesosJson } from '@mesos-ts/proto';
import {
  acceptInverseOffersCall,
  acknowledgeOperationStatusCall,
  declineInverseOffersCall,
  messageCall,
  reconcileOperationsCall,
  requestCall,
  shutdownCall,
  updateFrameworkCall,
} from './calls';

// Each builder's call, as the master reads it in Mesos JSON.
const json = (call: scheduler.Call): unknown => toMesosJson('mesos.v1.scheduler.Call', call);

describe('call builders', () => {
  it('builds inverse offer answers', () => {
    expect(json(acceptInverseOffersCall(['i1', { value: 'i2' }], { refuseSeconds: 5 }))).toEqual({
      type: 'ACCEPT_INVERSE_OFFERS',
      accept_inverse_offers: { inverse_offer_ids: [{ value: 'i1' }, { value: 'i2' }], filters: { refuse_seconds: 5 } },
    });
    expect(json(declineInverseOffersCall(['i1']))).toEqual({ type: 'DECLINE_INVERSE_OFFERS', decline_inverse_offers: { inverse_offer_ids: [{ value: 'i1' }] } });
  });

  it('builds SHUTDOWN, MESSAGE and REQUEST', () => {
    expect(json(shutdownCall('ex', 'ag'))).toEqual({ type: 'SHUTDOWN', shutdown: { executor_id: { value: 'ex' }, agent_id: { value: 'ag' } } });
    expect(json(messageCall({ value: 'ex' }, 'ag', Buffer.from('hi')))).toEqual({
      type: 'MESSAGE',
      message: { executor_id: { value: 'ex' }, agent_id: { value: 'ag' }, data: Buffer.from('hi').toString('base64') },
    });
    expect(json(requestCall([{ agentId: { value: 'ag' } }]))).toEqual({ type: 'REQUEST', request: { requests: [{ agent_id: { value: 'ag' } }] } });
  });

  it('builds UPDATE_FRAMEWORK with suppressed roles', () => {
    expect(json(updateFrameworkCall({ id: { value: 'fw' }, user: 'u', name: 'n', roles: ['a', 'b'] }, { suppressedRoles: ['b'] }))).toEqual({
      type: 'UPDATE_FRAMEWORK',
      update_framework: { framework_info: expect.objectContaining({ id: { value: 'fw' }, user: 'u', name: 'n', roles: ['a', 'b'] }), suppressed_roles: ['b'] },
    });
  });

  it('acknowledges operation statuses that carry a uuid, and only those', () => {
    const uuid = Buffer.alloc(16, 7);
    const status = { operationId: { value: 'op' }, state: OperationState.OPERATION_FINISHED, uuid: { value: uuid }, agentId: { value: 'ag' } };
    expect(json(acknowledgeOperationStatusCall(status)!)).toEqual({
      type: 'ACKNOWLEDGE_OPERATION_STATUS',
      acknowledge_operation_status: { operation_id: { value: 'op' }, uuid: uuid.toString('base64'), agent_id: { value: 'ag' } },
    });
    expect(acknowledgeOperationStatusCall({ operationId: { value: 'op' }, state: OperationState.OPERATION_FINISHED })).toBeUndefined();
  });

  it('reconciles all operations or the ones named', () => {
    expect(json(reconcileOperationsCall())).toEqual({ type: 'RECONCILE_OPERATIONS', reconcile_operations: {} });
    expect(json(reconcileOperationsCall([{ operationId: 'op', agentId: 'ag' }]))).toEqual({
      type: 'RECONCILE_OPERATIONS',
      reconcile_operations: { operations: [{ operation_id: { value: 'op' }, agent_id: { value: 'ag' } }] },
    });
  });
});
