import { isFetchError } from '@strapi/strapi/admin';
import { check, isSchemaError, schemaIssues } from '../../../server/src/shared/validation/check';

/** One entry of a Strapi ValidationError's `details.errors` (yup). */
export interface ValidationIssue {
  path: Array<string | number>;
  message: string;
  name?: string;
}

/** The body of a Strapi error response: `{ error: { status, name, message, details } }`. */
interface ErrorEnvelope {
  status?: number;
  name?: string;
  message?: string;
  details?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The Strapi error envelope of a failed admin-API request, or null for any other error. */
export const getErrorEnvelope = (error: unknown): ErrorEnvelope | null => {
  if (!isFetchError(error)) return null;
  const body: unknown = error.response?.data;
  if (isRecord(body) && isRecord(body.error)) return body.error as ErrorEnvelope;
  return null;
};

/**
 * The message to show for a failed request: the server's `error.message` when it sent one,
 * else the error's own message, else `fallback`.
 */
export const getErrorMessage = (error: unknown, fallback: string): string => {
  const envelope = getErrorEnvelope(error);
  if (envelope?.message) return envelope.message;
  if (error instanceof Error && error.message) return error.message;
  return fallback;
};

/** `error.details.errors` of a 400 ValidationError, or an empty list. */
export const getValidationIssues = (error: unknown): ValidationIssue[] => {
  const details = getErrorEnvelope(error)?.details;
  if (!isRecord(details) || !Array.isArray(details.errors)) return [];
  return details.errors.filter(
    (issue): issue is ValidationIssue => isRecord(issue) && typeof issue.message === 'string' && Array.isArray(issue.path)
  );
};

/**
 * Validation issues keyed by their dotted path (`fieldMappings.0.localField`); the first message
 * per path wins. Issues without a path are keyed by the empty string.
 */
export const getValidationErrors = (error: unknown): Record<string, string> => {
  const byPath: Record<string, string> = {};
  for (const issue of getValidationIssues(error)) {
    const key = issue.path.join('.');
    if (!(key in byPath)) byPath[key] = issue.message;
  }
  return byPath;
};

/**
 * The failures of one of the server's shared input schemas (server/src/shared/validation), as form
 * errors keyed by dotted path — the same rules the server applies, checked before the round trip.
 * Fields that already carry an (admin-worded) error keep it.
 */
export const schemaFormErrors = (
  schema: Parameters<typeof check>[0],
  value: unknown,
  found: Record<string, string>
): Record<string, string> => {
  try {
    check(schema, value);
  } catch (error) {
    if (!isSchemaError(error)) throw error;
    for (const issue of schemaIssues(error)) {
      const key = issue.path.join('.') || '_form';
      if (!found[key]) found[key] = issue.message;
    }
  }
  return found;
};
