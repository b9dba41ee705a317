/**
 * Review queue and conflicts (consumer side, issue 15). Strapi-free: the adapter
 * (consumer/review.ts, consumer/applier.ts) reads the rows and documents and calls these.
 *
 * WORDS
 * - A subscription in mode `review` holds every incoming event as AwaitingReview (sync-log status)
 *   until an editor Accepts (applied) or Rejects (skipped, status Rejected) it.
 * - A conflict: an event arrives for a document whose local copy changed since the last applied
 *   event — its fingerprint (below) differs from the one stored with its remote reference when
 *   that event was applied. `onConflict: overwrite` applies it and notes "overwrote local edits";
 *   `hold` holds it as AwaitingReview (reason `conflict`).
 *
 * INVARIANTS
 * 1. Per-document order: an event of a document that has an AwaitingReview event before it is held
 *    too (reason `queued`), whatever the mode; only the first AwaitingReview event of a document is
 *    reviewable. Other documents are never held by it; the cursor moves past held events (they are
 *    durably recorded, in the sync log, in the same transaction as the cursor).
 * 2. Diverged: a document whose latest resolved event (Synced or Rejected) is Rejected misses a
 *    change; Accepting its next event brings the producer's whole current state, not a diff.
 * 3. The fingerprint covers what the stream writes: streamed fields of the local model (system,
 *    private, inverse-relation fields left out), relations and media by identity only, kept-local
 *    fields left out (editing those is not a conflict). Same content -> same fingerprint, whatever
 *    the key order or the populated details of related documents.
 * 4. The fingerprint is stored after every apply (stream, accept, retry, resync, back-fill), so the
 *    stream's own writes never look like local edits.
 */
import { createHash } from 'node:crypto';
import { fieldKind, type ModelDef } from './schema';

export type HoldReason = 'review' | 'conflict' | 'queued';

export interface ReviewSchema {
  model(uid: string): ModelDef | undefined;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A relation / media value reduced to its identity: sorted documentIds (or file ids). */
function identities(value: unknown, key: 'documentId' | 'id'): unknown[] {
  const list = Array.isArray(value) ? value : value == null ? [] : [value];
  return list
    .map((v) => (isObj(v) ? (v[key] ?? v.documentId ?? v.id ?? null) : v))
    .map((v) => (v == null ? null : String(v)))
    .sort();
}

/** The streamed content of `doc` (model `uid`), normalised (invariant 3); `skip`: dotted paths left out. */
export function streamedContent(schema: ReviewSchema, uid: string, doc: Record<string, unknown>, skip: string[] = []): unknown {
  const model = schema.model(uid);
  if (!model) return null;
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(model.attributes).sort()) {
    if (skip.includes(name) || !Object.hasOwn(doc, name)) continue;
    const attr = model.attributes[name];
    const kind = fieldKind(name, attr);
    const value = doc[name];
    const inner = skip.filter((p) => p.startsWith(`${name}.`)).map((p) => p.slice(name.length + 1));
    if (kind === 'skip') continue;
    if (kind === 'relation') out[name] = identities(value, 'documentId');
    else if (kind === 'media') out[name] = identities(value, 'id');
    else if (kind === 'component') {
      const one = (v: unknown) => (isObj(v) ? streamedContent(schema, attr.component ?? '', v, inner) : null);
      out[name] = Array.isArray(value) ? value.map(one) : one(value);
    } else if (kind === 'dynamiczone') {
      out[name] = Array.isArray(value)
        ? value.map((v) => (isObj(v) ? [v.__component, streamedContent(schema, String(v.__component ?? ''), v)] : null))
        : null;
    } else out[name] = value instanceof Date ? value.toISOString() : (value ?? null);
  }
  return out;
}

/** The fingerprint of a local document's streamed content (invariant 3): a short hash. */
export function fingerprint(schema: ReviewSchema, uid: string, doc: Record<string, unknown> | null, keepLocal: string[] = []): string {
  const content = doc ? streamedContent(schema, uid, doc, keepLocal) : null;
  return createHash('sha256').update(JSON.stringify(content)).digest('base64url').slice(0, 22);
}

/** Whether the local copy changed since the last applied event: a stored fingerprint that differs. Unknown (none stored): no. */
export const locallyEdited = (stored: string | null | undefined, current: string | null): boolean =>
  typeof stored === 'string' && stored !== '' && current !== null && stored !== current;

/**
 * Why an incoming event is held, or null to apply it now. `queued`: the document has an
 * AwaitingReview event before it (invariant 1); `review`: the subscription's mode; `conflict`:
 * the local copy was edited here and the subscription holds conflicts.
 */
export function holdReason(opts: {
  queuedBefore: boolean;
  review: boolean;
  edited: boolean;
  onConflict: 'overwrite' | 'hold';
}): HoldReason | null {
  if (opts.queuedBefore) return 'queued';
  if (opts.edited && opts.onConflict === 'hold') return 'conflict';
  if (opts.review) return 'review';
  return null;
}

export interface DocRow {
  id: number;
  seq: number;
  status: string;
}

/** The reviewable event of one document's rows: its first AwaitingReview one (invariant 1), or undefined. */
export const firstAwaiting = <R extends DocRow>(rows: R[]): R | undefined =>
  [...rows].sort((a, b) => a.seq - b.seq).find((r) => r.status === 'AwaitingReview');

/** Invariant 2: the latest resolved row (Synced or Rejected) before `seq` is Rejected. */
export function diverged(rows: DocRow[], seq: number): boolean {
  const resolved = rows.filter((r) => r.seq < seq && (r.status === 'Synced' || r.status === 'Rejected')).sort((a, b) => b.seq - a.seq);
  return resolved[0]?.status === 'Rejected';
}

/** One field of the Review page: local, incoming and (for a conflict) base value, as readable text. */
export interface FieldChange {
  field: string;
  local: string;
  incoming: string;
  base?: string;
  changed: boolean;
}

const LABEL_KEYS = ['name', 'title', 'label', 'number', 'sku', 'slug', 'email', 'url', 'alternativeText'];

/** A related document or file as text: its label field and documentId (`Acme (k3j…)`), or its id. */
function labelOf(v: unknown): string {
  if (!isObj(v)) return v == null ? '—' : String(v);
  if (typeof v.__ref === 'string' || typeof v.__file === 'string') {
    const id = String(v.documentId ?? v.__file ?? v.key ?? '');
    return `${String(v.__ref ?? 'file')} ${id}`.trim();
  }
  const label = LABEL_KEYS.map((k) => v[k]).find((x) => typeof x === 'string' || typeof x === 'number');
  const id = v.documentId ?? v.id;
  return label !== undefined ? `${String(label)}${id !== undefined ? ` (${String(id)})` : ''}` : String(id ?? JSON.stringify(v));
}

/**
 * A value as an editor reads it: scalars as text, relations and media as their labels, a
 * component as `field: value` pairs (one per line), a list as its entries; never raw JSON of a
 * whole object unless it is a JSON field.
 */
export function readable(schema: ReviewSchema, uid: string, field: string, value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  const attr = schema.model(uid)?.attributes[field];
  const kind = attr ? fieldKind(field, attr) : 'scalar';
  if (kind === 'relation' || kind === 'media') {
    const list = Array.isArray(value) ? value : isObj(value) && Array.isArray(value.set) ? value.set : [value];
    return list.length ? list.map(labelOf).join(', ') : '—';
  }
  if (kind === 'component' || kind === 'dynamiczone') {
    const one = (v: unknown): string => {
      if (!isObj(v)) return String(v);
      const cuid = kind === 'dynamiczone' ? String(v.__component ?? '') : (attr?.component ?? '');
      const parts = Object.keys(v)
        .filter((k) => k !== 'id' && k !== '__component')
        .map((k) => `${k}: ${readable(schema, cuid, k, v[k])}`);
      return `${kind === 'dynamiczone' ? `[${cuid}] ` : ''}${parts.join('; ')}`;
    };
    return Array.isArray(value) ? value.map((v, i) => `${i + 1}. ${one(v)}`).join('\n') || '—' : one(value);
  }
  if (attr?.type === 'json' || attr?.type === 'blocks') return JSON.stringify(value);
  if (isObj(value) || Array.isArray(value)) return JSON.stringify(value);
  return String(value);
}

/**
 * The fields an incoming event writes, each with the local value beside the incoming one (and the
 * base value when given): for a Create, every field it carries; for an Update, the changed ones.
 */
export function fieldChanges(
  schema: ReviewSchema,
  uid: string,
  local: Record<string, unknown> | null,
  incoming: Record<string, unknown> | null,
  base?: Record<string, unknown> | null
): FieldChange[] {
  if (!incoming) return [];
  const out: FieldChange[] = [];
  for (const field of Object.keys(incoming).sort()) {
    if (field === 'documentId' || field === 'locale' || field === 'id') continue;
    const inc = readable(schema, uid, field, incoming[field]);
    const loc = local ? readable(schema, uid, field, local[field]) : '—';
    out.push({
      field,
      local: loc,
      incoming: inc,
      ...(base !== undefined ? { base: base ? readable(schema, uid, field, base[field]) : '—' } : {}),
      changed: loc !== inc,
    });
  }
  return out;
}
