/**
 * Text rendering. A resource that the agent's `--resources` flag could
 * express (unreserved, or one plain static reservation, nothing else) prints
 * in that form, `cpus(eng):2`, so it parses back. Anything richer prints in
 * the notation Mesos uses in its logs and error messages, e.g.
 * `disk(allocated: eng)(reservations: [(DYNAMIC,eng,ops)])[MOUNT:/mnt,vol1:/data]<SHARED>:64<2>`.
 */
import type { Labels, Resource_DiskInfo, Resource_DiskInfo_Source, Resource_ReservationInfo, Volume } from '@mesos-ts/proto';
import { Resource_DiskInfo_Source_Type, Resource_ReservationInfo_Type, Value_Type, Volume_Mode } from '@mesos-ts/proto';
import type { Entries } from './algebra';
import { formatFixed } from './fixed';
import type { Entry } from './model';
import { formatRanges } from './ranges';
import { formatSet } from './sets';

export function formatAmount(entry: Entry): string {
  const t = entry.meta.type;
  if (t === Value_Type.SCALAR) return formatFixed(entry.fixed);
  if (t === Value_Type.RANGES) return formatRanges(entry.flat);
  return formatSet(entry.items);
}

export function formatLabels(labels: Labels): string {
  return `{${(labels.labels ?? []).map((l) => (l.value === undefined ? (l.key ?? '') : `${l.key ?? ''}: ${l.value}`)).join(', ')}}`;
}

function reservationTypeName(type: Resource_ReservationInfo_Type | undefined): string {
  return type === Resource_ReservationInfo_Type.STATIC ? 'STATIC' : type === Resource_ReservationInfo_Type.DYNAMIC ? 'DYNAMIC' : 'UNKNOWN';
}

export function formatReservation(r: Resource_ReservationInfo): string {
  let text = `${reservationTypeName(r.type)},${r.role ?? ''}`;
  if (r.principal !== undefined) text += `,${r.principal}`;
  if (r.labels !== undefined) text += `,${formatLabels(r.labels)}`;
  return text;
}

function formatSource(source: Resource_DiskInfo_Source): string {
  const csi = source.id !== undefined || source.profile !== undefined ? `(${source.vendor ?? ''},${source.id ?? ''},${source.profile ?? ''})` : undefined;
  switch (source.type) {
    case Resource_DiskInfo_Source_Type.MOUNT:
      return `MOUNT${csi ?? (source.mount?.root !== undefined ? `:${source.mount.root}` : '')}`;
    case Resource_DiskInfo_Source_Type.PATH:
      return `PATH${csi ?? (source.path?.root !== undefined ? `:${source.path.root}` : '')}`;
    case Resource_DiskInfo_Source_Type.BLOCK:
      return `BLOCK${csi ?? ''}`;
    case Resource_DiskInfo_Source_Type.RAW:
      return `RAW${csi ?? ''}`;
    default:
      return 'UNKNOWN';
  }
}

function formatVolume(volume: Volume): string {
  let text = volume.containerPath ?? '';
  if (volume.hostPath !== undefined) {
    text = `${volume.hostPath}:${text}`;
    if (volume.mode === Volume_Mode.RW) text += ':rw';
    else if (volume.mode === Volume_Mode.RO) text += ':ro';
  }
  return text;
}

export function formatDisk(disk: Resource_DiskInfo): string {
  let text = '';
  if (disk.source !== undefined) text += formatSource(disk.source);
  if (disk.persistence !== undefined) {
    if (disk.source !== undefined) text += ',';
    text += disk.persistence.id ?? '';
  }
  if (disk.volume !== undefined) text += `:${formatVolume(disk.volume)}`;
  return text;
}

export function formatEntry(entry: Entry): string {
  const meta = entry.meta;
  if (meta.plain) {
    const role = meta.reservationRole;
    return role === undefined ? `${meta.name}:${formatAmount(entry)}` : `${meta.name}(${role}):${formatAmount(entry)}`;
  }
  let text = meta.name;
  if (meta.allocationRole !== undefined) text += `(allocated: ${meta.allocationRole})`;
  // Mesos does not print the provider; we do, or two different resources
  // would look the same.
  if (meta.providerId !== undefined) text += `(provider: ${meta.providerId})`;
  if (meta.reservations.length > 0) text += `(reservations: [${meta.reservations.map((r) => `(${formatReservation(r)})`).join(',')}])`;
  if (meta.disk !== undefined) text += `[${formatDisk(meta.disk)}]`;
  if (meta.revocable) text += '{REV}';
  if (meta.shared) text += '<SHARED>';
  text += `:${formatAmount(entry)}`;
  if (meta.shared) text += `<${entry.count}>`;
  return text;
}

export function formatEntries(entries: Entries): string {
  if (entries.length === 0) return '{}';
  let text = '';
  for (let i = 0; i < entries.length; i++) {
    if (i > 0) text += '; ';
    text += formatEntry(entries[i]!);
  }
  return text;
}
