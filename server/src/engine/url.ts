import { InputError } from './errors';

/**
 * Normalises a site base URL: http/https only, no credentials, no query or fragment, lower-case
 * host, no trailing slash. The result is the identity of a producer (`producerUrl` is unique).
 * @throws InputError with a message naming the problem.
 */
export function normalizeSiteUrl(input: unknown, field = 'producerUrl'): string {
  if (typeof input !== 'string' || input.trim() === '') {
    throw new InputError(`${field} must be a non-empty URL`);
  }
  let url: URL;
  try {
    url = new URL(input.trim());
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
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.host.toLowerCase()}${path}`;
}
