import { RemoteError } from './errors';
import { docKey } from './refs';
import type { DocRef } from './snapshot';
import type { FetchDocumentResponse } from '../shared/contracts';

/**
 * PUSH MODE, consumer side (README "Push mode"). A producer the consumer cannot call sends a page
 * of its stream, with the documents it was asked for, in one request; the consumer applies the
 * page through the same pull loop and apply engine as a pulled page. Where the engine would call
 * the producer — a dependency, a file — it asks this bundle instead. Strapi-free.
 *
 * INVARIANTS
 * 1. The consumer never calls the producer: a document or file the bundle lacks is recorded as a
 *    NEED and the preparation fails with MissingFromPushError, a transient error. The pull loop
 *    then stops before that event with nothing of it recorded (pull-loop.ts invariant 5); the
 *    answer names the needs, and the producer sends the same page again with them.
 * 2. A document the producer refused (not readable by this consumer, as a pull's 403) fails the
 *    event as a pull's refusal would: a RemoteError with the producer's status, recorded Failed.
 * 3. Needs are deduplicated and bounded (`maxNeeds`): a page that needs more is delivered over
 *    several rounds, never in one unbounded answer.
 */
export interface NeededDocument {
  contentType: string;
  documentId: string;
  locale: string | null;
  /** The chain the engine reached it through (protocol/via.ts), for the producer's `canRead`. */
  via: DocRef[];
}
export interface NeededFile {
  fileId: string;
  /** Ends at the document that references the file (the producer checks it as for a pull's file fetch). */
  via: DocRef[];
}
export interface PushNeeds {
  documents: NeededDocument[];
  files: NeededFile[];
}

/** Something the producer refused to send (as its answer to a pull's request would have been). */
export interface PushRefusal {
  contentType?: string;
  documentId?: string;
  locale?: string | null;
  fileId?: string;
  status: number;
  message: string;
}

export const PUSH_NEEDS_CODE = 'EVENT_STREAMING_PUSH_NEEDS';

/** The event needs something the push did not carry (transient: the next push brings it). */
export class MissingFromPushError extends RemoteError {
  constructor(what: string) {
    super(`Waiting for the producer to push ${what}`, 503, PUSH_NEEDS_CODE);
    this.name = 'MissingFromPushError';
  }
}

/** Whether an error (or the reason of a TransientEventError) is a need of the push. */
export const isPushNeed = (error: unknown): boolean => {
  const e = error as { code?: unknown; reason?: unknown } | null;
  return !!e && (e.code === PUSH_NEEDS_CODE || (e.reason !== undefined && isPushNeed(e.reason)));
};

const fileKey = (fileId: string) => `file|${fileId}`;

export class PushBundle {
  private readonly docs = new Map<string, FetchDocumentResponse>();
  private readonly refused = new Map<string, PushRefusal>();
  private readonly needed = new Set<string>();
  readonly needs: PushNeeds = { documents: [], files: [] };

  constructor(
    documents: FetchDocumentResponse[],
    refusals: PushRefusal[],
    private readonly hasFile: (fileId: string) => boolean,
    private readonly maxNeeds: number
  ) {
    for (const d of documents) this.docs.set(docKey(d.contentType, d.documentId, d.locale), d);
    for (const r of refusals) {
      if (r.fileId) this.refused.set(fileKey(r.fileId), r);
      else if (r.contentType && r.documentId) this.refused.set(docKey(r.contentType, r.documentId, r.locale ?? null), r);
    }
  }

  get hasNeeds(): boolean {
    return this.needs.documents.length + this.needs.files.length > 0;
  }

  private need(key: string, add: () => void): void {
    if (this.needed.has(key) || this.needed.size >= this.maxNeeds) return;
    this.needed.add(key);
    add();
  }

  private refusal(key: string): void {
    const r = this.refused.get(key);
    if (r) throw new RemoteError(`The producer refused it: ${r.message}`, r.status);
  }

  /** The pushed document, or a need recorded and MissingFromPushError thrown. */
  document(contentType: string, documentId: string, locale: string | null, via: DocRef[]): FetchDocumentResponse {
    const key = docKey(contentType, documentId, locale);
    const doc = this.docs.get(key);
    if (doc) return doc;
    this.refusal(key);
    this.need(key, () => this.needs.documents.push({ contentType, documentId, locale, via }));
    throw new MissingFromPushError(`${contentType} ${documentId}${locale ? ` (${locale})` : ''}`);
  }

  /** Whether the file was pushed (staged); else a need recorded and MissingFromPushError thrown. */
  file(fileId: string, via: DocRef[]): true {
    if (this.hasFile(fileId)) return true;
    this.refusal(fileKey(fileId));
    this.need(fileKey(fileId), () => this.needs.files.push({ fileId, via }));
    throw new MissingFromPushError(`file ${fileId}`);
  }
}
