/**
 * Errors of the sync engine. The Strapi adapters map them onto Strapi's error classes
 * (InputError -> 400 ValidationError, RemoteError -> 400/502 with the remote's message).
 */

/** The caller sent something invalid. Always a client mistake, never retried. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {}
  ) {
    super(message);
    this.name = 'InputError';
  }
}

/**
 * Codes of a `RemoteError` that no retry can cure: the call was refused by this site's own rules
 * (the outbound address policy, a size limit), so asking again gives the same answer until an
 * admin changes the configuration. Such an error is recorded Failed, not retried as transient.
 */
export const ADDRESS_REFUSED = 'EVENT_STREAMING_ADDRESS_REFUSED';
export const TOO_LARGE = 'EVENT_STREAMING_TOO_LARGE';
const DETERMINISTIC_CODES = new Set([ADDRESS_REFUSED, TOO_LARGE]);

/** A call to the other site failed: unreachable, timed out, refused, or answered with an error. */
export class RemoteError extends Error {
  constructor(
    message: string,
    /** HTTP status the remote answered with; 0 when it could not be reached. */
    readonly status: number,
    readonly code?: string
  ) {
    super(message);
    this.name = 'RemoteError';
  }

  /**
   * Worth retrying later: the producer is down, slow or overloaded (not a 4xx answer, and not a
   * refusal by this site's own policy or limits: see DETERMINISTIC_CODES).
   */
  get transient(): boolean {
    if (this.code !== undefined && DETERMINISTIC_CODES.has(this.code)) return false;
    return this.status === 0 || this.status >= 500 || this.status === 429;
  }
}

/** An event could not be applied; recorded as Failed in the sync log with this message. */
export class ApplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApplyError';
  }
}

/**
 * A readable one-line message. Strapi's validation errors carry the failing fields in
 * `details.errors` ([{path, message}]); those are appended, so "This attribute must be unique"
 * says which attribute.
 */
export const errorMessage = (error: unknown): string => {
  if (!(error instanceof Error)) return typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error));
  const details = (error as { details?: { errors?: Array<{ path?: unknown; message?: unknown }> } }).details;
  const fields = Array.isArray(details?.errors)
    ? details.errors
        .map((e) => `${Array.isArray(e.path) ? e.path.join('.') : String(e.path ?? '?')}: ${String(e.message ?? '')}`)
        .filter((line) => !error.message.includes(line))
    : [];
  return fields.length ? `${error.message} (${fields.join('; ')})` : error.message;
};

/**
 * Preparing an event inside a batch's transaction found that it needs the network (a missing
 * dependency, a file, the whole document): the pull loop processes it alone instead.
 */
export class NeedsNetworkError extends Error {
  constructor(what: string) {
    super(`Needs the network: ${what}`);
    this.name = 'NeedsNetworkError';
  }
}

/** This instance's pull lease expired and another instance took the producer over: the pull stops. */
export class LeaseLostError extends Error {
  constructor(producerId: number) {
    super(`The pull lease of producer ${producerId} was lost to another instance; this pull stops`);
    this.name = 'LeaseLostError';
  }
}

/** Network error codes of Node/undici/axios that mean "try again later", not "this is wrong". */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * Whether a failure is worth retrying as is (the producer is down, slow or overloaded), as opposed
 * to a deterministic one (the consumer's own validation, a missing locale, a mapping error, a 4xx
 * answer other than 429), which is recorded Failed.
 */
export const isTransient = (error: unknown): boolean => {
  if (error instanceof RemoteError) return error.transient;
  if (error instanceof TransientEventError) return true;
  if (!(error instanceof Error)) return false;
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return true;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (TRANSIENT_CODES.has(code) || code.startsWith('UND_ERR_'));
};

/**
 * Preparing an event failed for a transient reason (see isTransient): the pull stops with the
 * cursor before this event, nothing of it recorded, so that the next pull retries it.
 */
export class TransientEventError extends Error {
  constructor(
    readonly seq: number,
    readonly reason: unknown
  ) {
    super(`Event #${seq} could not be prepared (${errorMessage(reason)}); the pull stops there and retries it later`);
    this.name = 'TransientEventError';
  }
}
