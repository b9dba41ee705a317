/* eslint-disable @typescript-eslint/no-namespace -- one `declare namespace` per endpoint, as content-releases' shared/contracts (type-only, no runtime code) */
/**
 * Admin API, consumer side: Document Type Mappings (`/event-streaming/mappings…`). Bodies are
 * validated by shared/validation/mappings.ts, then against this site's schemas by the service.
 */
import type { Deleted, IdParams } from './common';
import type { DocumentTypeMapping, MappingBody } from './models';

/** GET /mappings */
export declare namespace FindMappings {
  export interface Response {
    data: DocumentTypeMapping[];
  }
}

/** GET /mappings/:id */
export declare namespace FindMapping {
  export interface Request {
    params: IdParams;
  }
  export interface Response {
    data: DocumentTypeMapping;
  }
}

/** POST /mappings (201) */
export declare namespace CreateMapping {
  export interface Request {
    body: MappingBody;
  }
  export interface Response {
    data: DocumentTypeMapping;
  }
}

/** PUT /mappings/:id */
export declare namespace UpdateMapping {
  export interface Request {
    params: IdParams;
    body: MappingBody;
  }
  export interface Response {
    data: DocumentTypeMapping;
  }
}

/** DELETE /mappings/:id: refused (409) while a producer or another mapping uses it. */
export declare namespace DeleteMapping {
  export interface Request {
    params: IdParams;
  }
  export type Response = Deleted;
}
