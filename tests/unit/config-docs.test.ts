/**
 * The README's configuration reference is the config: one row per key of `defaultConfig` (nested
 * keys flattened), each with its default, no row for a key that does not exist, and the section is
 * exactly what `node scripts/config-table.js` writes. Every documented key is checked by
 * `validateConfig`: a value of the wrong kind stops the boot with a message naming the key.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { cloneDeep, set } from 'lodash';

import { defaultConfig, validateConfig } from '../../server/src/config';
import { CONFIG_REFERENCE } from '../../server/src/config/reference';

const { START, END, REGENERATE, flattenConfig, formatDefault, renderConfigTable } = require('../../scripts/config-table.js');

const README = readFileSync(join(__dirname, '../../README.md'), 'utf8');
const configKeys: Array<[string, unknown]> = flattenConfig(defaultConfig);

/** Key → default cell of the README's table (between the markers). */
function readmeTable(): Map<string, string> {
  const section = README.slice(README.indexOf(START), README.indexOf(END));
  const rows = new Map<string, string>();
  for (const line of section.split('\n')) {
    const cells = line.match(/^\| `([^`]+)` \| (.*?) \| /);
    if (cells) rows.set(cells[1], cells[2]);
  }
  return rows;
}

describe("README's configuration reference", () => {
  const documented = readmeTable();

  it('has the markers the generator writes between', () => {
    expect(README.indexOf(START)).toBeGreaterThan(0);
    expect(README.indexOf(END)).toBeGreaterThan(README.indexOf(START));
  });

  it.each(configKeys)('documents %s with its default', (key, value) => {
    const row = documented.get(key);
    if (row === undefined) throw new Error(`config key "${key}" is missing from the README's configuration table: ${REGENERATE}`);
    if (row !== formatDefault(key, value)) {
      throw new Error(
        `config key "${key}": the README says the default is ${row}, defaultConfig has ${formatDefault(key, value)}: run \`node scripts/config-table.js\``
      );
    }
  });

  it('documents no key the config does not have', () => {
    const known = new Set(configKeys.map(([key]) => key));
    const unknown = [...documented.keys()].filter((key) => !known.has(key));
    if (unknown.length) {
      throw new Error(
        `the README documents ${unknown.map((k) => `"${k}"`).join(', ')}, which defaultConfig does not have: remove it from CONFIG_REFERENCE (server/src/config/reference.ts), then run \`node scripts/config-table.js\``
      );
    }
  });

  it('is exactly what `node scripts/config-table.js` generates', () => {
    const section = README.slice(README.indexOf(START), README.indexOf(END) + END.length);
    if (section !== renderConfigTable(defaultConfig, CONFIG_REFERENCE)) {
      throw new Error(
        'README.md configuration table is out of date (its rows differ from defaultConfig and CONFIG_REFERENCE): run `node scripts/config-table.js`'
      );
    }
  });
});

/** A value of the wrong kind for a key whose default is `value`. */
const wrongValue = (value: unknown): unknown =>
  Array.isArray(value)
    ? 'not a list'
    : typeof value === 'number'
      ? -1
      : typeof value === 'boolean'
        ? 'yes'
        : typeof value === 'string'
          ? ''
          : 'x'; // null defaults: a string that is neither a URL, a key of 16 characters, nor a number

describe('every documented key is validated', () => {
  it.each(configKeys)('%s: a value of the wrong kind is refused naming the key', (key, value) => {
    // As Strapi does: the app's config merged over the defaults, then the validator.
    const config = set(cloneDeep(defaultConfig), key, wrongValue(value));
    const group = key.split('.')[0];
    expect(() => validateConfig(config)).toThrow(new RegExp(`config "(${key.replace(/\./g, '\\.')}|${group})"`));
  });
});
