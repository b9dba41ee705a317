import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { OUTBOX_TABLE } from '../constants';

/**
 * The outbox column with each entry's length in characters, written by capture beside the entry:
 * the sequencer bounds a batch by size without reading the entries twice (update-log.ts).
 */
export const OUTBOX_SIZE_COLUMN = 'entry_chars';

/** One row (id 1): the log's epoch, high-water mark and how far it is pruned (log-state.ts `LogState`). */
export const LOG_STATE_TABLE = 'event_streaming_log_state';

/**
 * Creates the update log's two plain tables when missing — the outbox capture appends to and the
 * log-state row — and brings tables made by earlier versions up to date (bootstrap; idempotent,
 * also across instances booting at once).
 */
export async function createLogTables(strapi: Core.Strapi): Promise<void> {
  // A new schema builder per statement (one builder accumulates the statements given to it).
  const schema = () => strapi.db.connection.schema;
  const ensure = async (name: string, build: (table: Knex.CreateTableBuilder) => void) => {
    if (await schema().hasTable(name)) return;
    try {
      await schema().createTable(name, build);
    } catch (error) {
      if (!(await schema().hasTable(name))) throw error; // else: another instance made it meanwhile
    }
  };
  await ensure(OUTBOX_TABLE, (table) => {
    table.bigIncrements('id').primary();
    // LONGTEXT on MySQL/MariaDB (a plain TEXT column there stops at 64 KiB); PostgreSQL and
    // SQLite ignore the second argument.
    table.text('entry', 'longtext').notNullable();
    table.bigInteger(OUTBOX_SIZE_COLUMN).nullable();
  });
  await widenOutboxEntry(strapi);
  await ensure(LOG_STATE_TABLE, (table) => {
    table.integer('id').primary();
    table.string('epoch', 64).notNullable();
    table.bigInteger('head').notNullable();
    table.bigInteger('pruned_through').notNullable();
    table.string('pruned_key', 64).nullable();
  });
  // Made by a version without them: added once (pruned_key null: no key known for what was pruned
  // before; entry_chars null: an entry appended by that version, sized as nothing).
  const addColumn = async (name: string, column: string, build: (table: Knex.AlterTableBuilder) => void) => {
    if (await schema().hasColumn(name, column)) return;
    try {
      await schema().alterTable(name, build);
    } catch (error) {
      if (!(await schema().hasColumn(name, column))) throw error; // else: another instance added it
    }
  };
  await addColumn(LOG_STATE_TABLE, 'pruned_key', (table) => table.string('pruned_key', 64).nullable());
  await addColumn(OUTBOX_TABLE, OUTBOX_SIZE_COLUMN, (table) => table.bigInteger(OUTBOX_SIZE_COLUMN).nullable());
}

/** An outbox made by an earlier version on MySQL/MariaDB has a TEXT `entry`: widened once. */
async function widenOutboxEntry(strapi: Core.Strapi): Promise<void> {
  if (strapi.db.dialect.client !== 'mysql') return;
  const knex = strapi.db.connection;
  const [rows] = (await knex.raw(
    'SELECT DATA_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?',
    [OUTBOX_TABLE, 'entry']
  )) as [Array<{ t: string }>];
  if (rows[0] && String(rows[0].t).toLowerCase() !== 'longtext') {
    await knex.raw('ALTER TABLE ?? MODIFY ?? LONGTEXT NOT NULL', [OUTBOX_TABLE, 'entry']);
  }
}
