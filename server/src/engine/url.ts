import { InputError } from './errors';

/**
 * Longest site URL accepted, in characters. Checked before any parsing or regular expression: a
 * base URL longer than this is a mistake or an attack (a 200,000-slash `callbackUrl` used to
 * cost seconds of CPU in a quadratic regex).
 */
export const MAX_URL_LENGTH = 2048;

/**
 * `value` without its trailing `/` characters, in one backward scan (linear; `/\/+$/` is
 * quadratic on a long run of slashes that is not at the end).
 */
export function trimTrailingSlashes(value: string): string {
  let end = value.length;
  while (end > 0 && value.charCodeAt(end - 1) === 0x2f) end -= 1;
  return end === value.length ? value : value.slice(0, end);
}

/**
 * Normalises a site base URL: http/https only, no credentials, no query or fragment, lower-case
 * host, no trailing slash, at most `MAX_URL_LENGTH` characters. The result is the identity of a
 * producer (`producerUrl` is unique). Runs in time linear in the input (bounded by the length
 * check), and `normalizeSiteUrl(normalizeSiteUrl(x)) === normalizeSiteUrl(x)`.
 * @throws InputError with a message naming the problem (never anything else).
 */
export function normalizeSiteUrl(input: unknown, field = 'producerUrl'): string {
  if (typeof input !== 'string') {
    throw new InputError(`${field} must be a non-empty URL`);
  }
  if (input.length > MAX_URL_LENGTH) {
    throw new InputError(`${field} is too long (${input.length} characters; at most ${MAX_URL_LENGTH})`);
  }
  const trimmed = input.trim();
  if (trimmed === '') {
    throw new InputError(`${field} must be a non-empty URL`);
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new InputError(`${field} is not a valid URL: ${JSON.stringify(input)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(`${field} must use http or https, not ${url.protocol.replace(':', '')}`);
  }
  if (url.username || url.password) {
    throw new InputError(`${field} must not contain credentials; put the API token in its own field`);
  }
  if (url.search || url.hash) {
    throw new InputError(`${field} must not have a query string or fragment`);
  }
  const normalized = `${url.protocol}//${url.host.toLowerCase()}${trimTrailingSlashes(url.pathname)}`;
  // Percent-encoding by the parser can lengthen the URL past the bound (one character -> up to
  // nine): the stored identity obeys the same limit as the input.
  if (normalized.length > MAX_URL_LENGTH) {
    throw new InputError(`${field} is too long once normalised (${normalized.length} characters; at most ${MAX_URL_LENGTH})`);
  }
  return normalized;
}
