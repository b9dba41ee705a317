import { errors } from '@strapi/utils';
import { InputError, RemoteError, TransientEventError } from './engine/errors';
import { WriterBusyError } from './engine/exclusion';
import { check, isSchemaError, schemaIssues, schemaMessage } from './shared/validation/check';

/**
 * A request that conflicts with what exists (a duplicate producer, a name in use, a mapping still
 * referenced): 409. Strapi's error middleware renders an ApplicationError as 400 unless it is one
 * of its mapped classes, and has no 409 class (@strapi/core services/errors.js); the controllers'
 * one error boundary (controllers/index.ts) renders this class with Strapi's own `ctx.conflict`
 * helper, which writes Strapi's error envelope with status 409. Outside a controller it stays a
 * readable 400, never a 500.
 */
export class ConflictError extends errors.ApplicationError<'ConflictError', string, Record<string, unknown>> {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message, details);
    this.name = 'ConflictError';
  }
}

/** The other site refused or could not answer what the admin asked: a 400 naming it (not a 5xx of ours). */
export class RemoteSiteError extends errors.ApplicationError<'RemoteSiteError', string, Record<string, unknown>> {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message, details);
    this.name = 'RemoteSiteError';
  }
}

export const conflict = (message: string) => new ConflictError(message);

/**
 * Maps the engine's errors onto Strapi's, so that a client mistake or an unreachable peer is a
 * 4xx with a readable message and never a 500. Anything else is returned untouched.
 */
export function toHttpError(error: unknown): unknown {
  if (error instanceof errors.ApplicationError) return error;
  if (error instanceof InputError) return new errors.ValidationError(error.message, error.details);
  // Another writer of the producer (a pull, a back-fill) kept it past the request's wait.
  if (error instanceof WriterBusyError) return new ConflictError(error.message, { holder: error.holder });
  if (error instanceof RemoteError) return new RemoteSiteError(error.message, { status: error.status, code: error.code ?? null });
  // A pull asked from the admin stopped at an event the producer could not give now (it is retried).
  if (error instanceof TransientEventError) return new RemoteSiteError(error.message, { seq: error.seq });
  if (isSchemaError(error)) return schemaError(error);
  return error;
}

/** A failed schema as Strapi's ValidationError: the first failure as message, every field in details.errors. */
function schemaError(error: Parameters<typeof schemaIssues>[0]) {
  const issues = schemaIssues(error);
  return new errors.ValidationError(schemaMessage(issues), { errors: issues });
}

/**
 * Validates an input against its shared schema (server/src/shared/validation).
 * @returns the value, typed as its contract says.
 * @throws errors.ValidationError (400) naming each failing field, e.g. `subscriptions[1].status must be one of …`.
 */
export function validateInput<T>(schema: Parameters<typeof check>[0], value: unknown): T {
  try {
    return check<T>(schema, value);
  } catch (error) {
    if (isSchemaError(error)) throw schemaError(error);
    throw error;
  }
}
