import type { DocRef, FileRef } from './snapshot';

/** What a documentId (or a file key) received from another site may look like. */
export const DOC_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

/** What a locale code received from another site may look like (en, fr-FR, zh-Hant-TW). */
export const LOCALE_RE = /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8}){0,2}$/;

/**
 * References inside a snapshot received from another site, found by their markers (`__ref`,
 * `__file`) rather than by a schema: the consumer does not have the producer's schema.
 */
export const isDocRef = (v: unknown): v is DocRef =>
  typeof v === 'object' && v !== null && typeof (v as DocRef).__ref === 'string' && typeof (v as DocRef).documentId === 'string';

export const isFileRef = (v: unknown): v is FileRef => typeof v === 'object' && v !== null && typeof (v as FileRef).__file === 'string';

export function walkRefs(value: unknown, onRef: (r: DocRef) => void, onFile: (f: FileRef) => void, depth = 0): void {
  if (depth > 32 || value === null || typeof value !== 'object') return;
  if (isDocRef(value)) return onRef(value);
  if (isFileRef(value)) return onFile(value);
  if (Array.isArray(value)) {
    for (const v of value) walkRefs(v, onRef, onFile, depth + 1);
    return;
  }
  for (const v of Object.values(value)) walkRefs(v, onRef, onFile, depth + 1);
}

/** Key of a document on one site: uid + documentId (+ locale). */
export const docKey = (uid: string, documentId: string, locale: string | null | undefined): string =>
  `${uid}|${documentId}|${locale ?? ''}`;
