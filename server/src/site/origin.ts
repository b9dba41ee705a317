import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Marks writes made by the sync itself with the site they came from. The capture middleware
 * stores it as the log row's `originSiteId`; a producer never serves a consumer its own changes
 * back, so two sites streaming the same type to each other do not loop.
 */
const storage = new AsyncLocalStorage<{ originSiteId: string }>();

export const withOrigin = <T>(originSiteId: string, fn: () => Promise<T>): Promise<T> => storage.run({ originSiteId }, fn);

export const currentOrigin = (): string | null => storage.getStore()?.originSiteId ?? null;
