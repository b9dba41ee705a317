import type { Core } from '@strapi/strapi';
import { RemoteError } from '../engine/errors';
import { PageTooLargeError, PageTooSlowError } from '../engine/page-size';
import type { DocRef } from '../engine/snapshot';
import { producerClient, type ProducerClient } from '../protocol/client';
import type { PullResponse } from '../shared/contracts';
import { DEADLINE_EXCEEDED } from '../site/http';
import { getService } from '../utils';

/** The transport's failures that a smaller page may avoid (engine/page-size.ts), as their own errors. */
const asPageError = (error: unknown): unknown => {
  if (!(error instanceof RemoteError) || error.status !== 0) return error;
  if (error.code === 'ERR_BAD_RESPONSE' || /larger than the configured limit|maxContentLength/.test(error.message))
    return new PageTooLargeError(
      /config maxResponseBytes/.test(error.message) ? error.message : `${error.message} (config maxResponseBytes)`,
      error.code
    );
  if (error.code === DEADLINE_EXCEEDED || error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT')
    return new PageTooSlowError(error.message, error.code);
  return error;
};

/** What the client needs of a stored Event Producer: where it is and its (encrypted) token. */
export interface ProducerAddress {
  producerUrl: string;
  apiToken: string;
  /** Push mode: never called; its documents and files come from its push (consumer/push-receiver.ts). */
  id?: number;
  mode?: 'pull' | 'push' | null;
}

const isPush = (p: ProducerAddress): p is ProducerAddress & { id: number } => p.mode === 'push' && typeof p.id === 'number';

/**
 * The consumer's typed client of its producers (protocol/client.ts over this site's outbound
 * transport, site/http.ts). Every call to a producer goes through here.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const http = () => getService(strapi, 'http');
  const service = {
    /** The client of a stored Event Producer (its token decrypted). */
    of(producer: ProducerAddress): ProducerClient {
      if (producer.mode === 'push')
        throw new RemoteError(`${producer.producerUrl} is a push-mode producer: this site never calls it, it pushes its changes here`, 409);
      return producerClient(http(), { baseUrl: producer.producerUrl, token: getService(strapi, 'settings').decrypt(producer.apiToken) });
    },
    /** The client of a producer not stored yet (registration), with its plain token. */
    at(producerUrl: string, token: string): ProducerClient {
      return producerClient(http(), { baseUrl: producerUrl, token });
    },
    /** One pull page; an answer over the size limit or the deadline throws PageTooLargeError / PageTooSlowError. */
    async pull(
      producer: ProducerAddress,
      after: number,
      limit: number,
      opts: { withData?: boolean; afterKey?: string | null } = {}
    ): Promise<PullResponse> {
      try {
        return await service.of(producer).pull(after, limit, opts);
      } catch (error) {
        throw asPageError(error);
      }
    },
    async fetchDocument(producer: ProducerAddress, uid: string, documentId: string, locale: string | null, via: DocRef[]) {
      if (isPush(producer)) return getService(strapi, 'push-receiver').document(producer.id, uid, documentId, locale, via);
      return service.of(producer).fetchDocument(uid, documentId, locale, via);
    },
    /** The uploads the document at the end of `via` references inline (issue 15.4). */
    inlineFiles(producer: ProducerAddress, via: DocRef[]) {
      const doc = via[via.length - 1];
      return service.of(producer).inlineFiles(doc.__ref, doc.documentId, doc.locale ?? null, via.slice(0, -1));
    },
    matchDocument(producer: ProducerAddress, uid: string, filters: Record<string, unknown>) {
      return service.of(producer).matchDocument(uid, filters);
    },
    downloadFile(producer: ProducerAddress, fileId: string, via: DocRef[], filepath: string) {
      if (isPush(producer)) return getService(strapi, 'push-receiver').takeFile(producer.id, fileId, via, filepath);
      return service.of(producer).downloadFile(fileId, via, filepath);
    },
  };
  return service;
};
