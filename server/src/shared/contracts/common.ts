/** Shapes every endpoint shares. Type-only. */

/** Strapi's error envelope: every 4xx/5xx body of both APIs. */
export interface ErrorResponse {
  data: null;
  error: {
    status: number;
    name: string;
    message: string;
    /** A ValidationError lists the failing fields: `{ errors: [{ path: ['subscriptions', '1', 'status'], message }] }`. */
    details?: Record<string, unknown>;
  };
}

/** `:id` of an admin route (a positive integer, as the router delivers it: a string). */
export interface IdParams {
  id: string;
}

/** The answer of every admin DELETE. */
export interface Deleted {
  data: { id: number; deleted: true };
}
