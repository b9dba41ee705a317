import type { StreamEvent } from '../shared/contracts';

/** A row of the update log (content type UID.updateLog), as the query engine returns it. */
export type LogRow = {
  id: number;
  seq: number | null;
  updateType: StreamEvent['updateType'];
  contentType: string;
  targetDocumentId: string;
  docLocale: string | null;
  data: Record<string, unknown> | null;
  originSiteId: string | null;
  /** Who made the write (engine/actor.ts); null: unknown. */
  changedBy?: string | null;
  /** Fingerprint given with the seq (engine/cursor.ts FINGERPRINTS); null on rows sequenced before keys existed. */
  eventKey: string | null;
  /** Characters of the captured entry (its data and a few fields); null on rows sequenced before sizes were stored. */
  dataChars?: number | null;
  createdAt: string;
};

export const toStreamEvent = (row: LogRow): StreamEvent => ({
  seq: Number(row.seq),
  updateType: row.updateType,
  contentType: row.contentType,
  documentId: row.targetDocumentId,
  locale: row.docLocale ?? null,
  data: row.data ?? null,
  originSiteId: row.originSiteId ?? null,
  key: row.eventKey ?? null,
  ...(row.changedBy ? { changedBy: row.changedBy } : {}),
  changedAt: new Date(row.createdAt).toISOString(),
});

/** What capture appends to the outbox per changed (document, locale): an update-log row without its seq. */
export interface OutboxEntry {
  updateType: StreamEvent['updateType'];
  contentType: string;
  targetDocumentId: string;
  docLocale: string | null;
  data: Record<string, unknown> | null;
  originSiteId: string;
  /** Who made the write (engine/actor.ts); absent: unknown. */
  changedBy?: string;
  /** When the write happened (ISO). */
  createdAt: string;
}
