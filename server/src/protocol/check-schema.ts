/**
 * Check of the producer's answer to GET /schema (schema check, issue 16 point 8): the producer is
 * not trusted, its description is bounded and typed before the consumer compares anything with it.
 * Strapi-free.
 */
import { RemoteError } from '../engine/errors';
import type { ProducerSchema, StreamedField } from '../shared/contracts';

const MAX_TYPES = 500;
const MAX_FIELDS = 1000;
const NAME_RE = /^[A-Za-z_$][\w$-]{0,199}$/;
const TEXT_RE = /^[\w.:$-]{1,200}$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optText = (v: unknown) => v === undefined || (typeof v === 'string' && TEXT_RE.test(v));
const optBool = (v: unknown) => v === undefined || typeof v === 'boolean';

function field(f: unknown): StreamedField | null {
  if (!isObject(f) || typeof f.name !== 'string' || !NAME_RE.test(f.name) || f.name === '__proto__') return null;
  if (typeof f.type !== 'string' || !TEXT_RE.test(f.type)) return null;
  if (!optText(f.relation) || !optText(f.target) || !optText(f.component)) return null;
  if (!optBool(f.repeatable) || !optBool(f.multiple) || !optBool(f.required)) return null;
  if (f.components !== undefined && !(Array.isArray(f.components) && f.components.length <= 100 && f.components.every((c) => optText(c))))
    return null;
  const out: StreamedField = { name: f.name, type: f.type };
  for (const k of ['relation', 'target', 'component'] as const) if (f[k] !== undefined) out[k] = f[k] as string;
  for (const k of ['repeatable', 'multiple', 'required'] as const) if (f[k] === true) out[k] = true;
  if (f.components) out.components = f.components as string[];
  return out;
}

/** The producer's schema description, checked; a RemoteError names what is wrong. */
export function checkProducerSchema(answer: unknown): ProducerSchema {
  const bad = (why: string) => new RemoteError(`The producer answered the schema request with an invalid description: ${why}`, 200);
  if (!isObject(answer)) throw bad('not an object');
  if (typeof answer.siteId !== 'string' || typeof answer.hash !== 'string' || answer.hash.length > 64) throw bad('no siteId/hash');
  if (!Array.isArray(answer.types) || answer.types.length > MAX_TYPES) throw bad('types is not a list');
  const types = answer.types.map((t: unknown, i) => {
    if (!isObject(t) || typeof t.uid !== 'string' || !TEXT_RE.test(t.uid) || typeof t.hash !== 'string' || t.hash.length > 64)
      throw bad(`type #${i} has no uid/hash`);
    if (!Array.isArray(t.fields) || t.fields.length > MAX_FIELDS) throw bad(`${t.uid}: fields is not a list`);
    const fields = t.fields.map((f: unknown) => {
      const ok = field(f);
      if (!ok) throw bad(`${t.uid}: a field is malformed`);
      return ok;
    });
    return { uid: t.uid, hash: t.hash, fields };
  });
  return { siteId: answer.siteId, hash: answer.hash, types };
}
