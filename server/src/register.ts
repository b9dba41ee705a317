import type { Core } from '@strapi/strapi';
import { getService } from './utils';

/** Change capture must be in place before anything writes: a Document Service middleware. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  strapi.documents.use(getService(strapi, 'capture').middleware());
};
