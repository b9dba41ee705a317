/**
 * Log lines that carry peer data. Site names, URLs, content type names and error messages that
 * another site sent us are untrusted: a name with a newline could forge a whole log line
 * ("…\n[2026-01-01] info: admin logged in"), an ANSI escape could rewrite the terminal. Every log
 * line that carries such a value is built with `logSafe` (a tagged template), which escapes the
 * control characters of each interpolated value and bounds its length; the literal parts are ours.
 *
 *   strapi.log.warn(logSafe`event-streaming: pulling from ${url} failed: ${message}`);
 */

/** Longest interpolated value kept in a log line; longer ones end with "…(+N chars)". */
export const LOG_VALUE_MAX = 500;

// C0 controls, DEL, C1 controls, and the Unicode line / paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `value` as one printable line: control characters escaped (`\n`, `\u001b`), at most `max` characters. */
export function escapeForLog(value: unknown, max = LOG_VALUE_MAX): string {
  const text = typeof value === 'string' ? value : String(value);
  const cut = text.length > max ? `${text.slice(0, max)}…(+${text.length - max} chars)` : text;
  return cut.replace(CONTROL, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Tagged template: the literal text as written, every `${value}` through `escapeForLog`. */
export function logSafe(strings: TemplateStringsArray, ...values: unknown[]): string {
  return strings.reduce((line, literal, i) => line + literal + (i < values.length ? escapeForLog(values[i]) : ''), '');
}
