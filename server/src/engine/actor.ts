/**
 * Who made a write, as the producer's events carry it (`StreamEvent.changedBy`), Strapi-free: a
 * display name from the request's authentication state, never an email address or a secret.
 *
 * INVARIANTS
 * - The name is a person's or a token's name as its admin typed it, trimmed, control characters
 *   removed, at most MAX_ACTOR_LENGTH characters; null when the write had no request (a cron job,
 *   a script, a synced write) or no user.
 * - An admin user: "First Last", else their username; a users-permissions user: their username;
 *   an API token: `API token "name"`. Emails are never used (they would leave the site).
 */

export const MAX_ACTOR_LENGTH = 120;

/** The part of Koa's `ctx.state` Strapi fills when it authenticates a request. */
export interface AuthState {
  user?: { firstname?: unknown; lastname?: unknown; username?: unknown } | null;
  auth?: { strategy?: { name?: unknown } | null; credentials?: { name?: unknown } | null } | null;
}

/** C0 controls and DEL. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g;

const clean = (v: unknown): string => (typeof v === 'string' ? v.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim() : '');

const bounded = (s: string): string | null => (s ? (s.length > MAX_ACTOR_LENGTH ? `${s.slice(0, MAX_ACTOR_LENGTH - 1)}…` : s) : null);

/** The display name of whoever the request was authenticated as; null when nobody. */
export function actorName(state: AuthState | null | undefined): string | null {
  if (!state) return null;
  // Strapi 5.54 names its strategy `content-api-token`; earlier 5.x releases `api-token`.
  const strategy = state.auth?.strategy?.name;
  if (strategy === 'content-api-token' || strategy === 'api-token') {
    const name = clean(state.auth?.credentials?.name);
    return bounded(name ? `API token "${name}"` : 'an API token');
  }
  const user = state.user;
  if (!user) return null;
  const full = clean(`${clean(user.firstname)} ${clean(user.lastname)}`);
  return bounded(full || clean(user.username));
}

/** Whether a value received from a producer is a plausible `changedBy`. */
export const isActor = (v: unknown): v is string | null | undefined =>
  v === undefined ||
  v === null ||
  (typeof v === 'string' && v.length > 0 && v.length <= MAX_ACTOR_LENGTH && !new RegExp(CONTROL.source).test(v));
