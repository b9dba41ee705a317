/**
 * Running a schema, the same way on the server and in the admin: strict (no casting: a number is
 * not a string), every failure collected. Framework-free; the server turns a failure into Strapi's
 * ValidationError (server/src/errors.ts), a form maps `errors` onto its fields by `path`.
 */
import * as yup from 'yup';

export const VALIDATE_OPTIONS = { strict: true, abortEarly: false } as const;

/** One failing field: `path` as a list (`['subscriptions', '1', 'status']`), the message naming it. */
export interface SchemaIssue {
  path: string[];
  message: string;
}

const MAX_ISSUES = 20;
const MAX_MESSAGE = 500;

/** `a[1].b` -> ['a', '1', 'b']. */
const toPath = (path: string | undefined): string[] => (path ? path.split(/[.[\]]+/).filter(Boolean) : []);

/** The failures of a yup error: distinct messages, at most 20, each cut to 500 characters. */
export function schemaIssues(error: yup.ValidationError): SchemaIssue[] {
  const leaves = error.inner?.length ? error.inner : [error];
  const seen = new Set<string>();
  const out: SchemaIssue[] = [];
  for (const leaf of leaves) {
    const message = String(leaf.message).slice(0, MAX_MESSAGE);
    if (seen.has(message)) continue;
    seen.add(message);
    out.push({ path: toPath(leaf.path), message });
    if (out.length === MAX_ISSUES) break;
  }
  return out;
}

/** One readable line: the first failure, and how many more there are. */
export function schemaMessage(issues: SchemaIssue[]): string {
  if (!issues.length) return 'Invalid input';
  const [first, ...rest] = issues;
  return rest.length
    ? `${first.message} (and ${rest.length} more: ${rest.map((i) => i.message).join('; ')})`.slice(0, 2000)
    : first.message;
}

/** Validates `value` against `schema`. @returns it, typed as the contract says. @throws yup.ValidationError */
export function check<T>(schema: { validateSync(value: unknown, options: typeof VALIDATE_OPTIONS): unknown }, value: unknown): T {
  return schema.validateSync(value, VALIDATE_OPTIONS) as T;
}

/**
 * A yup failure. By class, not by name: yup's own `isError` only compares `name`, and Strapi's
 * ValidationError carries the same name.
 */
export const isSchemaError = (error: unknown): error is yup.ValidationError => error instanceof yup.ValidationError;
