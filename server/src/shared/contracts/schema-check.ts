/* eslint-disable @typescript-eslint/no-namespace -- one `declare namespace` per endpoint, as content-releases' shared/contracts (type-only, no runtime code) */
/**
 * Schema check before streaming (issue 16, point 8): the producer describes the fields of the types
 * a consumer subscribes to (GET /schema, site-to-site), the consumer compares them with its own
 * (engine/schema-check.ts) and the admin shows the report per subscription.
 */

/** One field that travels in a stream, as a site describes it (engine/schema-check.ts streamedFields). */
export interface StreamedField {
  name: string;
  type: string;
  relation?: string;
  target?: string;
  component?: string;
  components?: string[];
  repeatable?: boolean;
  multiple?: boolean;
  required?: boolean;
}

/** GET /schema (producer): the streamed fields of each type this consumer subscribes to (not rejected). */
export interface ProducerSchema {
  siteId: string;
  /** Hash of every listed type's fields; also carried by each pull page as `schemaHash`. */
  hash: string;
  types: Array<{ uid: string; hash: string; fields: StreamedField[] }>;
}

export type SchemaIssueKind =
  /** A remote field no local field receives (its values are dropped), or a mapping row naming a missing local field. */
  | 'no-local-field'
  /** A mapping row reads a remote field the producer's type does not have. */
  | 'no-remote-field'
  /** The remote field's values do not fit the local field's type. */
  | 'type-mismatch'
  /** A required local field nothing fills: every created document fails. */
  | 'required-unfilled'
  | 'remote-type-unknown'
  | 'local-type-unknown';

export interface SchemaIssue {
  kind: SchemaIssueKind;
  remoteField?: string;
  localField?: string;
  remoteType?: string;
  localType?: string;
  /** The issue in one English sentence (the admin shows its own text from the fields above). */
  message: string;
}

/** The check of one subscription: its local and remote type, its mapping, what does not fit. */
export interface SchemaReport {
  contentType: string;
  remoteContentType: string;
  mapping: string | null;
  /** Hash of the remote type's fields the report was made from (null: the producer does not describe it). */
  remoteHash: string | null;
  issues: SchemaIssue[];
}

/** GET /producers/:id/schema-check (admin): one report per subscription (unsubscribed ones left out). */
export declare namespace ProducerSchemaCheck {
  export interface Request {
    params: { id: string };
  }
  export interface Response {
    data: {
      producerId: number;
      /** When the producer's schema hash changed last (seen on a pull); null: never since it was added. */
      schemaChangedAt: string | null;
      reports: SchemaReport[];
      /** The producer could not be asked (unreachable, old version): why. `reports` is then empty. */
      error: string | null;
    };
  }
}

/** GET /mappings/:id/schema-check (admin): the reports of every subscription that uses this mapping. */
export declare namespace MappingSchemaCheck {
  export interface Request {
    params: { id: string };
  }
  export interface Response {
    data: Array<ProducerSchemaCheck.Response['data'] & { producerUrl: string }>;
  }
}
