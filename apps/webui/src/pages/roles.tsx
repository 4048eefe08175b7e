/** Roles (`GET /master/roles`): weight, quota guarantee and limit, and what is allocated, offered and reserved. */
import { ErrorNote, Heading, Loading, ResourceText, Table } from '../components/common';
import { useFetched } from '../fetched';
import { fromObject } from '../state/resources';
import type { Snapshot } from '../state/store';

interface RoleJson {
  readonly name?: string;
  readonly weight?: number;
  readonly frameworks?: readonly string[];
  readonly allocated?: unknown;
  readonly offered?: unknown;
  readonly reserved?: unknown;
  readonly resources?: unknown;
  readonly quota?: { readonly guarantee?: unknown; readonly limit?: unknown; readonly consumed?: unknown };
}

export function RolesPage(props: { readonly snapshot: Snapshot }) {
  const roles = useFetched<{ readonly roles?: readonly RoleJson[] }>('/master/roles', props.snapshot.revision);
  return (
    <div class="page" id="roles">
      <Heading title="Roles" />
      {roles.kind === 'loading' ? <Loading /> : null}
      {roles.kind === 'error' ? <ErrorNote error={roles.error} /> : null}
      {roles.kind === 'ok' ? (
        <Table id="role-table" head={['Role', 'Weight', 'Frameworks', 'Guarantee', 'Limit', 'Consumed', 'Allocated', 'Offered', 'Reserved']} rows={roles.value.roles?.length ?? 0} empty="No roles.">
          {(roles.value.roles ?? []).map((r) => (
            <tr key={r.name} data-role={r.name}>
              <td class="mono">{r.name ?? '?'}</td>
              <td>{r.weight ?? 1}</td>
              <td>{r.frameworks?.length ?? 0}</td>
              <td>
                <ResourceText value={fromObject(r.quota?.guarantee)} />
              </td>
              <td>{r.quota?.limit === undefined || Object.keys(r.quota.limit as object).length === 0 ? 'none' : <ResourceText value={fromObject(r.quota.limit)} />}</td>
              <td>
                <ResourceText value={fromObject(r.quota?.consumed)} />
              </td>
              <td>
                <ResourceText value={fromObject(r.allocated ?? r.resources)} />
              </td>
              <td>
                <ResourceText value={fromObject(r.offered)} />
              </td>
              <td>
                <ResourceText value={fromObject(r.reserved)} />
              </td>
            </tr>
          ))}
        </Table>
      ) : null}
    </div>
  );
}
