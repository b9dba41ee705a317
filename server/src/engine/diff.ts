import isEqual from 'lodash/isEqual';
import type { Snapshot } from './snapshot';

/**
 * The fields of `after` that differ from `before`, at the top level of the document.
 * A component, dynamic zone or relation list that changed travels whole (its new value), so the
 * consumer replaces it row by row; unchanged fields are left out. A field present in `before` but
 * absent from `after` travels as null.
 * @returns an empty object when nothing changed.
 */
export function diffSnapshots(before: Snapshot, after: Snapshot): Snapshot {
  const changed: Snapshot = {};
  for (const key of Object.keys(after)) {
    if (!isEqual(before[key], after[key])) changed[key] = after[key];
  }
  for (const key of Object.keys(before)) {
    if (!(key in after)) changed[key] = null;
  }
  return changed;
}

export type Change =
  { updateType: 'Create'; data: Snapshot } | { updateType: 'Update'; data: Snapshot } | { updateType: 'Delete'; data: null };

/**
 * The event a write produced for one (document, locale), from the streamed version before and
 * after it (null = no streamed version: absent, or draft-only under Draft & Publish).
 * Returns null when the streamed version did not change.
 */
export function changeFor(before: Snapshot | null, after: Snapshot | null): Change | null {
  if (!before && !after) return null;
  if (!before && after) return { updateType: 'Create', data: after };
  if (before && !after) return { updateType: 'Delete', data: null };
  const data = diffSnapshots(before!, after!);
  return Object.keys(data).length ? { updateType: 'Update', data } : null;
}
