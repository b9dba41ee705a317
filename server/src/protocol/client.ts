/**
 * Typed clients of the site-to-site protocol, one per direction. They own the wire: paths
 * (wire.ts), the `via` codec (via.ts) and the check of every answer (checks.ts). The transport
 * (site/http.ts in the plugin: timeouts, size limits, address policy, the site header, errors as
 * RemoteError) is passed in, so this module stays Strapi-free and testable.
 */
import type { InlineFile } from '../engine/apply/inline';
import type { DocRef } from '../engine/snapshot';
import type {
  FetchDocumentResponse,
  ListDocumentsResponse,
  MatchDocument,
  ProducerSchema,
  PullResponse,
  RegisterRequest,
  RegisterResponse,
} from '../shared/contracts';
import {
  checkFetchedDocument,
  checkInlineFiles,
  checkListPage,
  checkMatchedDocument,
  checkPullPage,
  checkRegisterResponse,
} from './checks';
import { checkProducerSchema } from './check-schema';
import { encodeVia } from './via';
import { paths } from './wire';

/** One outbound request, as the transport takes it. */
export interface PeerRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The peer's base URL (normalised). */
  baseUrl: string;
  /** Path below the base URL, starting with `/`. */
  path: string;
  token: string;
  params?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Return the body as a Buffer (files). */
  binary?: boolean;
}

export interface Transport {
  call<T>(request: PeerRequest): Promise<T>;
  /** A file streamed to `filepath` (size limit and deadline of files); returns its size in bytes. */
  download?(request: PeerRequest, filepath: string): Promise<number>;
}

/** A peer site: its base URL and the (plain) API token that site issued to us. */
export interface Peer {
  baseUrl: string;
  token: string;
}

/** What a consumer asks of a producer. */
export function producerClient(transport: Transport, peer: Peer) {
  const req = (r: Omit<PeerRequest, 'baseUrl' | 'token'>): PeerRequest => ({ ...r, baseUrl: peer.baseUrl, token: peer.token });
  return {
    async register(body: RegisterRequest): Promise<RegisterResponse> {
      return checkRegisterResponse(await transport.call<unknown>(req({ method: 'POST', path: paths.register(), body })), peer.baseUrl);
    },

    async deregister(): Promise<void> {
      await transport.call(req({ method: 'DELETE', path: paths.register() }));
    },

    /**
     * One page of events after `after`, checked against the cursor it was asked from.
     * `withData: false`: the events without their data (to skip one too large to transfer).
     * `afterKey`: the key of the row at `after` as stored with the cursor (engine/cursor.ts FINGERPRINTS).
     */
    async pull(after: number, limit: number, opts: { withData?: boolean; afterKey?: string | null } = {}): Promise<PullResponse> {
      const params = {
        after,
        limit,
        ...(opts.withData === false ? { data: '0' } : {}),
        ...(opts.afterKey ? { afterKey: opts.afterKey } : {}),
      };
      return checkPullPage(await transport.call<unknown>(req({ method: 'GET', path: paths.updates(), params })), after);
    },

    /** A document's current streamed state; `via`: the chain of documents it was reached through. */
    async fetchDocument(uid: string, documentId: string, locale: string | null, via: DocRef[]): Promise<FetchDocumentResponse> {
      const answer = await transport.call<unknown>(
        req({ method: 'GET', path: paths.fetchDocument(uid, documentId), params: { locale: locale ?? undefined, via: encodeVia(via) } })
      );
      return checkFetchedDocument(answer, uid, documentId);
    },

    /** The uploads a document references inline (rich text, Blocks, JSON); `via`: the chain it was reached through. */
    async inlineFiles(uid: string, documentId: string, locale: string | null, via: DocRef[]): Promise<InlineFile[]> {
      const params = { locale: locale ?? undefined, via: encodeVia(via), inline: 'only' };
      return checkInlineFiles(
        await transport.call<unknown>(req({ method: 'GET', path: paths.fetchDocument(uid, documentId), params })),
        uid,
        documentId
      );
    },

    /** A file, streamed to `filepath` (never held in memory); `via` ends at the document that references it. Returns its size. */
    downloadFile(fileId: string, via: DocRef[], filepath: string): Promise<number> {
      if (!transport.download) throw new Error('This transport cannot download files');
      return transport.download(
        req({ method: 'GET', path: paths.fetchFile(fileId), params: { via: encodeVia(via) }, binary: true }),
        filepath
      );
    },

    /** The streamed fields of the types this consumer subscribes to (schema check). */
    async schema(): Promise<ProducerSchema> {
      return checkProducerSchema(await transport.call<unknown>(req({ method: 'GET', path: paths.schema() })));
    },

    /** The first streamed document of `uid` whose fields equal `filters` (linked-document mappings). */
    async matchDocument(uid: string, filters: Record<string, unknown>): Promise<MatchDocument.Response> {
      const answer = await transport.call<unknown>(
        req({ method: 'GET', path: paths.matchDocument(uid), params: { match: JSON.stringify(filters) } })
      );
      return checkMatchedDocument(answer, uid);
    },

    /** One page of a type's documents (back-fill), keyset by the producer's row id. */
    /** `documentIds`: list only those (a reconciling back-fill's sweep). */
    async listDocuments(uid: string, after: number, limit: number, documentIds?: string[]): Promise<ListDocumentsResponse> {
      const only = documentIds ? { documentIds: documentIds.join(',') } : {};
      return checkListPage(
        await transport.call<unknown>(req({ method: 'GET', path: paths.listDocuments(uid), params: { after, limit, ...only } })),
        after
      );
    },
  };
}

export type ProducerClient = ReturnType<typeof producerClient>;

/** What a producer asks of a consumer: a poke (no data; the consumer pulls). */
export function consumerClient(transport: Transport, peer: Peer) {
  return {
    async notify(body: { siteId: string; headSeq: number }): Promise<void> {
      await transport.call({ method: 'POST', path: paths.notify(), body, baseUrl: peer.baseUrl, token: peer.token });
    },
  };
}
