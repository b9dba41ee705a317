/**
 * Producer side of linked-document mappings (engine/apply/linked.ts): the first streamed document
 * of a type whose fields equal plain values (`GET /documents/:uid?match=<json>`, under the
 * `listDocuments` permission). Filters may name `documentId`, `locale` and the scalar fields that
 * stream (never a private field, a password or a system field: a consumer cannot probe what it
 * cannot read); JSON and rich-blocks fields are not comparable and are refused.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { fieldKind } from '../engine/schema';
import type { MatchDocument } from '../shared/contracts';
import { FIELD_NAME_RE, LIMITS } from '../shared/validation';
import { contentTypeUid, getService } from '../utils';

type Plain = string | number | boolean | null;
const NOT_COMPARABLE = new Set(['json', 'blocks', 'media', 'relation', 'component', 'dynamiczone']);

const isPlain = (v: unknown): v is Plain =>
  v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

/** The `match` query as filters of `uid`. @throws errors.ValidationError naming what is wrong */
export function parseMatch(strapi: Core.Strapi, uid: string, raw: unknown): Record<string, Plain> {
  if (typeof raw !== 'string' || raw.length > LIMITS.json)
    throw new errors.ValidationError(`match must be a JSON object of field: value (at most ${LIMITS.json} characters)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new errors.ValidationError('match must be a JSON object of field: value');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new errors.ValidationError('match must be a JSON object of field: value');
  const entries = Object.entries(parsed);
  if (!entries.length || entries.length > LIMITS.filterKeys)
    throw new errors.ValidationError(`match must hold 1 to ${LIMITS.filterKeys} field: value pairs`);
  const model = getService(strapi, 'schema').model(uid);
  const out: Record<string, Plain> = {};
  for (const [field, value] of entries) {
    if (!FIELD_NAME_RE.test(field)) throw new errors.ValidationError(`match: ${field.slice(0, 100)} is not a field name`);
    if (!isPlain(value)) throw new errors.ValidationError(`match.${field} must be text, a number, a boolean or null`);
    const attr = model && Object.hasOwn(model.attributes, field) ? model.attributes[field] : undefined;
    const allowed =
      field === 'documentId' ||
      (field === 'locale' && model?.localized === true) ||
      (attr !== undefined && fieldKind(field, attr) === 'scalar' && !NOT_COMPARABLE.has(attr.type));
    if (!allowed) throw new errors.ValidationError(`match.${field} is not a field of ${uid} that documents can be found by`);
    out[field] = value;
  }
  return out;
}

/** The first streamed document of `uid` matching `filters` (its streamed version), or documentId and data null. */
export async function matchDocument(strapi: Core.Strapi, uid: string, filters: Record<string, Plain>): Promise<MatchDocument.Response> {
  const head = await getService(strapi, 'update-log').sequence();
  const model = getService(strapi, 'schema').model(uid);
  const { locale, ...fields } = filters;
  const where = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v === null ? { $null: true } : { $eq: v }]));
  const found = (await strapi.documents(contentTypeUid(uid)).findFirst({
    filters: where,
    ...(model?.localized && typeof locale === 'string' ? { locale } : {}),
    ...(model?.draftAndPublish ? { status: 'published' as const } : {}),
    fields: ['documentId', ...(model?.localized ? ['locale'] : [])],
    sort: 'id:asc',
  } as never)) as { documentId?: string; locale?: string | null } | null;
  if (!found?.documentId) return { headSeq: head, contentType: uid, documentId: null, locale: null, data: null };
  const docLocale = model?.localized ? (found.locale ?? null) : null;
  const data = await getService(strapi, 'documents').read(uid, found.documentId, docLocale);
  return { headSeq: head, contentType: uid, documentId: data ? found.documentId : null, locale: docLocale, data };
}
