import type { Core } from '@strapi/strapi';
import { InputError } from '../engine/errors';
import { repo } from '../utils';

/**
 * The Event Subscriber (seed §1, §2.3): the admin user of this site an Event Producer's synced
 * writes are made as — `createdBy` / `updatedBy` of the documents it creates and updates, as the
 * Content Manager sets them for an editor (@strapi/utils `setCreatorFields`). Stored as the admin
 * user's id on the producer (`subscriberUserId`); a deleted user means none, and the admin shows a
 * warning. Producer data never sets these fields (engine/schema.ts skips admin relations).
 */
const ADMIN_USER = 'admin::user';

/** @throws InputError when `id` names no admin user of this site. */
export async function checkSubscriberUser(strapi: Core.Strapi, id: number | null | undefined): Promise<void> {
  if (id === null || id === undefined) return;
  if (!(await repo(strapi, ADMIN_USER).count({ where: { id } }))) {
    throw new InputError(`subscriberUser: there is no admin user with id ${id} on this site`);
  }
}

/** Which of `ids` are admin users of this site. */
export async function existingAdminUsers(strapi: Core.Strapi, ids: Array<number | null>): Promise<Set<number>> {
  const wanted = [...new Set(ids.filter((id): id is number => id !== null && id !== undefined).map(Number))];
  if (!wanted.length) return new Set();
  const rows = await repo(strapi, ADMIN_USER).findMany({ where: { id: { $in: wanted } }, select: ['id'] });
  return new Set(rows.map((r) => Number(r.id)));
}

/**
 * The user synced writes are made as, from the producer's `subscriberUserId`: that id while the
 * user exists, else null. Looked up per write (one indexed count, next to the dozens of queries of
 * a Document Service write): a user deleted a moment ago must not be written as a creator.
 */
export async function subscriberOf(strapi: Core.Strapi, id: number | null | undefined): Promise<number | null> {
  if (id === null || id === undefined) return null;
  return (await repo(strapi, ADMIN_USER).count({ where: { id } })) > 0 ? id : null;
}

/**
 * Creator fields of a synced write, as the Content Manager sets them: a create (or a new locale
 * of a document) is created and updated by the subscriber, an update is updated by it. None
 * without a subscriber.
 */
export const creatorFields = (userId: number | null, creating: boolean): Record<string, number> =>
  userId === null ? {} : creating ? { createdBy: userId, updatedBy: userId } : { updatedBy: userId };
