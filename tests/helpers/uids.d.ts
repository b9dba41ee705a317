/** UIDs of the playground's content types, for tests and benchmarks. */
export declare const ARTICLE: 'api::article.article';
export declare const CONTACT: 'api::contact.contact';
export declare const CUSTOMER: 'api::customer.customer';
export declare const INVOICE: 'api::sales-invoice.sales-invoice';
export declare const ITEM: 'api::item.item';
export declare const NOTE: 'api::note.note';
export declare const SUPPLIER: 'api::supplier.supplier';
