/**
 * The local schema, mappings and event builders of the apply engine's unit tests: the playground's
 * shapes, reduced (relations, a repeatable component, Draft & Publish, i18n, a dynamic zone, a
 * polymorphic relation, media) plus a mapped type.
 */
import type { MappingDef } from '../../server/src/engine/mapping';
import type { ModelDef } from '../../server/src/engine/schema';
import type { ProducerSubscription, StreamEvent } from '../../server/src/shared/contracts';

export const CUSTOMER = 'api::customer.customer';
export const SUPPLIER = 'api::supplier.supplier';
export const ITEM = 'api::item.item';
export const INVOICE = 'api::invoice.invoice';
export const NODE = 'api::node.node';
export const ARTICLE = 'api::article.article';
export const CONTACT = 'api::contact.contact';
export const PERSON = 'api::person.person';
export const CARD = 'api::card.card';
export const PRODUCT = 'api::product.product';

const str = { type: 'string' };
/** The playground's shapes, reduced: relations, a repeatable component, D&P, i18n, a dynamic zone, morph, media. */
export const MODELS: Record<string, ModelDef> = {
  [CUSTOMER]: { uid: CUSTOMER, attributes: { name: str, email: str, secret: { type: 'string', private: true } } },
  [SUPPLIER]: { uid: SUPPLIER, attributes: { name: str } },
  [ITEM]: {
    uid: ITEM,
    attributes: {
      name: str,
      image: { type: 'media', multiple: false },
      specs: { type: 'json' },
      supplier: { type: 'relation', relation: 'manyToOne', target: SUPPLIER },
    },
  },
  [INVOICE]: {
    uid: INVOICE,
    draftAndPublish: true,
    attributes: {
      number: str,
      customer: { type: 'relation', relation: 'manyToOne', target: CUSTOMER },
      lines: { type: 'component', component: 'shared.line', repeatable: true },
    },
  },
  'shared.line': {
    uid: 'shared.line',
    attributes: { item: { type: 'relation', relation: 'oneToOne', target: ITEM }, qty: { type: 'integer' } },
  },
  [NODE]: {
    uid: NODE,
    attributes: {
      name: str,
      next: { type: 'relation', relation: 'manyToOne', target: NODE },
      links: { type: 'relation', relation: 'manyToMany', target: NODE },
    },
  },
  [ARTICLE]: {
    uid: ARTICLE,
    localized: true,
    attributes: {
      title: str,
      blocks: { type: 'dynamiczone', components: ['shared.text', 'shared.quote'] },
      related: { type: 'relation', relation: 'morphToMany' },
      gallery: { type: 'media', multiple: true },
    },
  },
  'shared.text': { uid: 'shared.text', attributes: { body: str } },
  'shared.quote': { uid: 'shared.quote', attributes: { text: str, author: { type: 'relation', relation: 'oneToOne', target: CUSTOMER } } },
  [PERSON]: {
    uid: PERSON,
    attributes: { fullName: str, city: str, addresses: { type: 'component', component: 'shared.address', repeatable: true } },
  },
  'shared.address': { uid: 'shared.address', attributes: { street: str, town: str } },
  [PRODUCT]: {
    uid: PRODUCT,
    attributes: {
      name: str,
      price: { type: 'decimal' },
      seo: { type: 'component', component: 'shared.seo', repeatable: false },
      lines: { type: 'component', component: 'shared.line', repeatable: true },
      owner: { type: 'relation', relation: 'oneToOne', target: 'admin::user' },
    },
  },
  'shared.seo': {
    uid: 'shared.seo',
    attributes: {
      metaTitle: str,
      metaDescription: str,
      image: { type: 'media', multiple: false },
      social: { type: 'component', component: 'shared.social' },
    },
  },
  'shared.social': { uid: 'shared.social', attributes: { title: str, handle: str } },
  [CARD]: { uid: CARD, attributes: { title: str, profile: { type: 'json' }, photo: { type: 'media', multiple: false } } },
};

const fm = (localField: string, remoteField: string | null, extra: Record<string, unknown> = {}) => ({
  localField,
  remoteField,
  defaultValue: null,
  mappingType: 'none' as const,
  mapping: null,
  remoteValueFilters: null,
  ...extra,
});

export const MAPPINGS: MappingDef[] = [
  {
    mappingName: 'contact-to-person',
    localContentType: PERSON,
    remoteContentType: CONTACT,
    fieldMappings: [
      fm('fullName', 'name'),
      fm('city', 'town', { defaultValue: 'Paris' }),
      fm('addresses', 'addrs', { mappingType: 'component', mapping: 'addr' }),
    ],
  },
  {
    mappingName: 'contact-to-card',
    localContentType: CARD,
    remoteContentType: CONTACT,
    fieldMappings: [fm('title', 'name'), fm('profile', 'meta'), fm('photo', 'picture')],
  },
  {
    mappingName: 'addr',
    localContentType: 'shared.address',
    remoteContentType: 'x',
    fieldMappings: [fm('street', 'line1'), fm('town', null, { defaultValue: 'Lyon' })],
  },
];

export const sub = (contentType: string, extra: Partial<ProducerSubscription> = {}): ProducerSubscription => ({
  contentType,
  remoteContentType: contentType,
  useSameName: true,
  unsubscribed: false,
  mapping: null,
  status: 'Approved',
  ...extra,
});

let seqCounter = 100;
export const event = (
  updateType: StreamEvent['updateType'],
  contentType: string,
  documentId: string,
  data: Record<string, unknown> | null,
  extra: Partial<StreamEvent> = {}
): StreamEvent => ({
  seq: (seqCounter += 1),
  updateType,
  contentType,
  documentId,
  locale: null,
  data,
  originSiteId: 'producer',
  ...extra,
});

export const ref = (uid: string, documentId: string, locale?: string) => ({ __ref: uid, documentId, ...(locale ? { locale } : {}) });
export const file = (key: string) => ({
  __file: key,
  hash: key,
  name: `${key}.png`,
  url: `/uploads/${key}.png`,
  mime: 'image/png',
  ext: '.png',
  size: 1,
  width: null,
  height: null,
  alternativeText: null,
  caption: null,
});
