/* eslint-disable @typescript-eslint/no-namespace -- one `declare namespace` per endpoint, as content-releases' shared/contracts (type-only, no runtime code) */
/**
 * The site-to-site content API (API token), prefix `API_PREFIX` (protocol/wire.ts). Its answers are not
 * wrapped in `{ data }`: they are the protocol's messages (protocol/checks.ts checks each one).
 */
import type { FetchDocumentResponse, ListDocumentsResponse, NotifyRequest, PullResponse, RegisterBody, RegisterResponse } from './messages';

/** A cursor and a page size, as query-string values (`limit` is capped at the producer's maxPageSize). */
export interface PageQuery {
  after?: string;
  limit?: string;
}

/** POST /register (producer): a consumer site registers or re-registers with its API token. */
export declare namespace Register {
  export interface Request {
    body: RegisterBody;
  }
  export type Response = RegisterResponse;
}

/** DELETE /register (producer): the consumer of this API token goes away. */
export declare namespace Deregister {
  export interface Response {
    deregistered: true;
  }
}

/** GET /updates?after=&afterKey=&limit= (producer): the next page of the consumer's stream; `after` acknowledges. */
export declare namespace PullUpdates {
  export interface Request {
    /**
     * `data=0`: the events without their data (to skip one event too large to transfer).
     * `afterKey`: the key of the row at `after` as the consumer got it (engine/cursor.ts FINGERPRINTS).
     */
    query: PageQuery & { data?: '0' | '1'; afterKey?: string };
  }
  export type Response = PullResponse;
}

/** GET /documents/:uid?after=&limit= (producer): keyset listing for back-fill. */
export declare namespace ListDocuments {
  export interface Request {
    params: { uid: string };
    /** `documentIds`: comma-separated; only those are listed (a reconciling back-fill's sweep). */
    query: PageQuery & { documentIds?: string };
  }
  export type Response = ListDocumentsResponse;
}

/** GET /documents/:uid/:documentId?locale=&via= (producer): one document (dependency syncing). */
export declare namespace FetchDocument {
  export interface Request {
    params: { uid: string; documentId: string };
    /** `via`: JSON list of `[contentType, documentId, locale]` hops (protocol/via.ts). */
    /** `inline=only`: answer InlineResponse instead (issue 15.4). */
    query: { locale?: string; via?: string; inline?: string };
  }
  export type Response = FetchDocumentResponse;
  /**
   * `?inline=only`: the producer's uploads the document references inline (rich text, Blocks,
   * JSON): each URL as written, the format it names ('' for the file) and the file reference.
   */
  export interface InlineResponse {
    inline: Array<{ url: string; format: string; file: { __file: string; name: string; url: string; mime: string } }>;
  }
}

/** GET /files/:fileId?via= (producer): a file's bytes; 409 when it is stored at a remote URL. */
export declare namespace FetchFile {
  export interface Request {
    params: { fileId: string };
    query: { via?: string };
  }
  /** The file's bytes (content-type: its mime type). */
  export type Response = Buffer;
}

/** POST /notify (consumer): a producer pokes this site; the pull that follows fetches the data (202). */
export declare namespace Notify {
  export interface Request {
    body: NotifyRequest;
  }
  export interface Response {
    accepted: true;
  }
}

// --- linked-document mappings (issue 14 point 5) ---
/**
 * GET /documents/:uid?match=<json> (producer, the `listDocuments` permission): the first streamed
 * document of an approved type whose fields equal the given plain values (linked-document mappings).
 */
export declare namespace MatchDocument {
  export interface Request {
    params: { uid: string };
    query: { match: string };
  }
  export interface Response {
    headSeq: number;
    contentType: string;
    /** null when no document matches. */
    documentId: string | null;
    locale: string | null;
    data: Record<string, unknown> | null;
  }
}
