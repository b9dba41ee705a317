/**
 * The `via` query parameter: the chain of documents through which a consumer reached the one it
 * asks for (dependency syncing). Encoded as a JSON list of `[contentType, documentId, locale]`.
 * The client encodes it; the producer decodes and then checks the chain reference by reference.
 */
import { InputError } from '../engine/errors';
import { DOC_ID_RE } from '../engine/refs';
import type { DocRef } from '../engine/snapshot';
import { MAX_VIA_HOPS } from './wire';

export const UID_RE = /^api::[a-z0-9-]{1,80}\.[a-z0-9-]{1,80}$/;
export const LOCALE_RE = /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8}){0,2}$/;
const MAX_VIA_CHARS = 4000;

/** The query value for a chain, or undefined for an empty one. */
export function encodeVia(via: DocRef[]): string | undefined {
  return via.length ? JSON.stringify(via.map((v) => [v.__ref, v.documentId, v.locale ?? null])) : undefined;
}

/** @throws InputError naming what is wrong. */
export function decodeVia(raw: unknown): DocRef[] {
  if (raw === undefined || raw === '') return [];
  if (typeof raw !== 'string' || raw.length > MAX_VIA_CHARS) throw new InputError('via must be a JSON list');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InputError('via must be a JSON list of [contentType, documentId, locale]');
  }
  if (!Array.isArray(parsed) || parsed.length > MAX_VIA_HOPS) throw new InputError(`via must be a list of at most ${MAX_VIA_HOPS} hops`);
  return parsed.map((hop, i) => {
    if (
      !Array.isArray(hop) ||
      typeof hop[0] !== 'string' ||
      !UID_RE.test(hop[0]) ||
      typeof hop[1] !== 'string' ||
      !DOC_ID_RE.test(hop[1])
    ) {
      throw new InputError(`via[${i}] must be [contentType, documentId, locale]`);
    }
    if (hop[2] !== null && hop[2] !== undefined && (typeof hop[2] !== 'string' || !LOCALE_RE.test(hop[2])))
      throw new InputError(`via[${i}] has a bad locale`);
    return { __ref: hop[0], documentId: hop[1], locale: hop[2] ?? null };
  });
}

/** An optional locale query parameter. @throws InputError */
export function decodeLocale(raw: unknown): string | null {
  if (raw === undefined || raw === '') return null;
  if (typeof raw !== 'string' || !LOCALE_RE.test(raw)) throw new InputError('locale must be a locale code such as en or fr-FR');
  return raw;
}
