import type { Core } from '@strapi/strapi';
import type { DocRef } from '../engine/snapshot';
import { producerClient, type ProducerClient } from '../protocol/client';
import { getService } from '../utils';

/** What the client needs of a stored Event Producer: where it is and its (encrypted) token. */
export interface ProducerAddress {
  producerUrl: string;
  apiToken: string;
}

/**
 * The consumer's typed client of its producers (protocol/client.ts over this site's outbound
 * transport, site/http.ts). Every call to a producer goes through here.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const http = () => getService(strapi, 'http');
  const service = {
    /** The client of a stored Event Producer (its token decrypted). */
    of(producer: ProducerAddress): ProducerClient {
      return producerClient(http(), { baseUrl: producer.producerUrl, token: getService(strapi, 'settings').decrypt(producer.apiToken) });
    },
    /** The client of a producer not stored yet (registration), with its plain token. */
    at(producerUrl: string, token: string): ProducerClient {
      return producerClient(http(), { baseUrl: producerUrl, token });
    },
    fetchDocument(producer: ProducerAddress, uid: string, documentId: string, locale: string | null, via: DocRef[]) {
      return service.of(producer).fetchDocument(uid, documentId, locale, via);
    },
    downloadFile(producer: ProducerAddress, fileId: string, via: DocRef[], filepath: string) {
      return service.of(producer).downloadFile(fileId, via, filepath);
    },
  };
  return service;
};
