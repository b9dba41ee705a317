/* eslint-disable @typescript-eslint/no-namespace -- one `declare namespace` per endpoint, as content-releases' shared/contracts (type-only, no runtime code) */
/** Admin API: the site's identity, its streamable content types, a document's stream origin. */
import type { DocumentOrigin, SiteInfo, StreamableContentType } from './models';

/** GET /site */
export declare namespace GetSite {
  export interface Response {
    data: SiteInfo;
  }
}

/** GET /content-types: the content types this site can stream (for pickers). */
export declare namespace GetContentTypes {
  export interface Response {
    data: StreamableContentType[];
  }
}

/** GET /documents/origin?contentType=&documentId= (the Content Manager side panel). */
export declare namespace GetDocumentOrigin {
  export interface Request {
    query: { contentType: string; documentId: string };
  }
  export interface Response {
    data: DocumentOrigin;
  }
}
