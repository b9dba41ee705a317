/* eslint-disable @typescript-eslint/no-namespace -- one `declare namespace` per endpoint, as content-releases' shared/contracts (type-only, no runtime code) */
/**
 * Admin API, consumer side: Document Type Mappings (`/event-streaming/mappings…`). Bodies are
 * validated by shared/validation/mappings.ts, then against this site's schemas by the service.
 */
import type { Deleted, IdParams } from './common';

/* ---- Document Type Mappings: the records (the endpoints below) ---- */

export interface FieldMapping {
  localField: string;
  /** Null: the field is not mapped and takes `defaultValue`. */
  remoteField: string | null;
  defaultValue: unknown;
  mappingType: 'none' | 'component' | 'relation' | 'dynamiczone';
  /** mappingName of the inner mapping (component / relation). */
  mapping: string | null;
  /**
   * Dynamic zones: mappingNames of component mappings, one per remote component (remote component
   * UID → local component UID, with their field mappings). Absent on mappings saved before.
   */
  componentMappings?: string[] | null;
  /** Relation mappings: only remote values matching these `{field: value}` pairs are linked. */
  remoteValueFilters: Record<string, unknown> | null;
}

export interface DocumentTypeMapping {
  id: number;
  documentId: string;
  mappingName: string;
  localContentType: string;
  remoteContentType: string;
  fieldMappings: FieldMapping[];
  createdAt: string;
  updatedAt: string;
}

export type MappingInput = Omit<DocumentTypeMapping, 'id' | 'documentId' | 'createdAt' | 'updatedAt'>;

/** One field of a mapping body: what may be omitted takes its default (`none`, null). */
export interface FieldMappingInput {
  localField: string;
  remoteField?: string | null;
  defaultValue?: unknown;
  mappingType?: FieldMapping['mappingType'];
  mapping?: string | null;
  componentMappings?: string[] | null;
  remoteValueFilters?: Record<string, unknown> | null;
}

/** Body of POST /mappings and PUT /mappings/:id (a MappingInput is one). */
export interface MappingBody {
  mappingName: string;
  localContentType: string;
  remoteContentType: string;
  fieldMappings: FieldMappingInput[];
}

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
