import { errors } from '@strapi/utils';
import { InputError, RemoteError } from './engine/errors';

/** An HTTP error with a status Strapi has no class for (409); rendered in Strapi's error envelope. */
export class HttpStatusError extends Error {
  readonly expose = true;
  constructor(
    readonly status: number,
    message: string,
    name: string
  ) {
    super(message);
    this.name = name;
  }
}

// Make it an http-errors HttpError as far as `instanceof` goes, so Strapi's error middleware
// renders it as a client error instead of logging it as a crash first.
Object.setPrototypeOf(HttpStatusError.prototype, (errors as unknown as { HttpError: { prototype: object } }).HttpError.prototype);

export const conflict = (message: string) => new HttpStatusError(409, message, 'ConflictError');

/**
 * Maps the engine's errors onto Strapi's, so that a client mistake or an unreachable peer is a
 * 4xx with a readable message and never a 500. Anything else is rethrown untouched.
 */
export function toHttpError(error: unknown): unknown {
  if (error instanceof InputError) return new errors.ValidationError(error.message, error.details);
  if (error instanceof RemoteError) {
    // The admin asked for something the other site refused or could not answer: a 4xx naming it.
    return new HttpStatusError(400, error.message, 'RemoteSiteError');
  }
  return error;
}

/** Runs `fn`, translating engine errors to HTTP errors. */
export async function httpErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toHttpError(error);
  }
}
