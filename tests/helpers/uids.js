'use strict';
/** UIDs of the playground's content types, for tests and benchmarks. */
module.exports = {
  ARTICLE: 'api::article.article',
  CONTACT: 'api::contact.contact',
  CUSTOMER: 'api::customer.customer',
  INVOICE: 'api::sales-invoice.sales-invoice',
  ITEM: 'api::item.item',
  NOTE: 'api::note.note',
  SUPPLIER: 'api::supplier.supplier',
};
