import type { FetchDocumentResponse } from '../../shared/contracts';
import type { MappingDef } from '../mapping';
import type { ModelDef } from '../schema';
import type { LinkRule, LocalCopy } from '../inline-media';
import type { DocRef, FileRef, Snapshot } from '../snapshot';
import { DEFAULT_EVENT_LIMITS, type EventLimits } from './budget';
import type { InlineFile } from './inline';

/** The upload plugin's file type: media travel as `__file` references to it. */
export const FILE_UID = 'plugin::upload.file';
/** A dependency chain longer than this (the `via` path from the root) is refused. */
export const MAX_VIA = 16;
/** Most missing dependencies one event may bring along, by default (config `maxDependenciesPerEvent`). */
export const MAX_DEPENDENCIES = DEFAULT_EVENT_LIMITS.maxDependencies;

/** How documents of one remote type are mirrored here. */
export interface Route {
  localUid: string;
  useSameName: boolean;
  /** mappingName of the subscription's Document Type Mapping, or null. */
  mapping: string | null;
  /** Local fields filled on create and never overwritten (keep-local.ts); absent: none. */
  keepLocal?: string[];
}

/** A document on the producer: its (remote) type, documentId and locale. */
export interface RemoteDoc {
  uid: string;
  documentId: string;
  locale: string | null;
}

/** A remote-reference row (local document <-> producer document), as the engine reads it. */
export interface ReferenceRow {
  id: number;
  localContentType: string;
  localDocumentId: string;
  docLocale: string | null;
  remoteContentType: string;
  remoteDocumentId: string;
  lastAppliedSeq: number | null;
  deleted: boolean | null;
}

/** What the engine records in a remote reference; the adapter adds the producer's identity and the time. */
export interface ReferenceInput {
  localContentType: string;
  localDocumentId: string;
  remote: RemoteDoc;
  lastAppliedSeq: number;
  deleted: boolean;
}

/** Document Service parameters of a write besides its data. */
export interface WriteOptions {
  locale?: string;
  status?: 'published';
}

/**
 * What the engine needs from the site and from the producer. One set of ports serves one
 * producer: references are that producer's, fetches go to it. Reads and writes run in the
 * caller's transaction (apply) or outside any (prepare); the engine never opens one.
 */
export interface ApplyPorts {
  /** This site's per-event budgets (budget.ts). */
  limits: EventLimits;
  /** Local content type or component by uid (plain data, see engine/schema.ts). */
  model(uid: string): ModelDef | undefined;
  /** Whether local type `uid` can be a stream's target (a collection type of the app). */
  isStreamable(uid: string): boolean;

  /** The reference of one remote document (this producer), deleted or not. */
  findReference(remote: RemoteDoc): Promise<ReferenceRow | null>;
  /** References of many documents of one remote type, every locale: one query (chunked by the adapter). */
  findReferences(remoteUid: string, documentIds: string[]): Promise<ReferenceRow[]>;
  /** A live (not deleted) reference of the remote document in any locale. */
  findSiblingReference(remoteUid: string, documentId: string): Promise<ReferenceRow | null>;
  /** Writes a reference: updates row `existingId`, or creates one when null. */
  saveReference(input: ReferenceInput, existingId: number | null): Promise<void>;

  /** Whether local document `documentId` of `uid` exists (in `locale`, when given; any locale when null). */
  localExists(uid: string, documentId: string, locale: string | null): Promise<boolean>;
  /** Which of these local documents of `uid` exist, one entry per locale (null when not localized): one query. */
  localLocales(uid: string, documentIds: string[]): Promise<Array<{ documentId: string; locale: string | null }>>;
  /** Whether locale `code` is configured on this site. */
  localeExists(code: string): Promise<boolean>;
  /** Creates a document (`data.documentId`, when present, is kept); returns its documentId. */
  create(uid: string, data: Record<string, unknown>, options: WriteOptions): Promise<string>;
  /** Updates (or adds a locale to) a document; false when it does not exist. */
  update(uid: string, documentId: string, data: Record<string, unknown>, options: WriteOptions): Promise<boolean>;
  delete(uid: string, documentId: string, options: { locale?: string }): Promise<void>;
  /** A local document's fields read with `populate` (Document Service shape; the draft under D&P), or null. */
  readLocal(
    uid: string,
    documentId: string,
    locale: string | null,
    populate: Record<string, unknown>
  ): Promise<Record<string, unknown> | null>;

  /** The producer's current state of a document (checked: type, documentId, integer headSeq, object or null). */
  fetchDocument(remote: RemoteDoc, via: DocRef[]): Promise<FetchDocumentResponse>;
  /**
   * The producer's first document of `uid` (its streamed version) whose fields equal `filters`
   * (plain values; `documentId` and `locale` may be among them): linked-document mappings (linked.ts).
   */
  matchDocument(uid: string, filters: Record<string, MatchValue>): Promise<MatchedDocument>;
  /** Local upload id of a file transferred before and still here, else null. */
  localFile(fileKey: string): Promise<number | null>;
  /** Downloads a file from the producer, uploads it here, records its reference; returns the upload id. */
  transferFile(file: FileRef, via: DocRef[]): Promise<number>;
  /** Removes the upload of a file `transferFile` brought for an event that did not apply, and marks its reference deleted. */
  removeFile(fileKey: string): Promise<void>;
  /** Every Document Type Mapping of this site. */
  loadMappings(): Promise<MappingDef[]>;

  // Inline media and links (inline.ts, engine/inline-media.ts). Absent: URLs in rich text,
  // Blocks and JSON are stored as the producer wrote them.
  /** The uploads the producer's document `via[last]` references inline (`via`: how it was reached). */
  inlineFiles?(via: DocRef[]): Promise<InlineFile[]>;
  /** The local copy (URL, formats, Blocks file object) of upload `id`, or null when it is gone. */
  fileCopy?(id: number): Promise<LocalCopy | null>;
  /** The producer's link rule (prefix -> prefix) and this site's public origin (absolute URLs of copies). */
  inline?: { linkRule: LinkRule | null; siteOrigin: string | null };
}

/** A filter value of matchDocument: a plain value of the outer document. */
export type MatchValue = string | number | boolean | null;

/** What matchDocument found: the document, or `documentId` and `data` null when none matches. */
export interface MatchedDocument {
  headSeq: number;
  documentId: string | null;
  locale: string | null;
  data: Snapshot | null;
}

/** A missing dependency fetched while preparing, created while applying. */
export interface Dependency {
  ref: DocRef;
  route: Route;
  data: Snapshot;
  headSeq: number;
}
