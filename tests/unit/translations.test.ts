/**
 * The admin's translations: every locale has exactly the keys of en.json, each message parses as
 * ICU and keeps the same placeholders (names, kinds, select cases) as the English one, and every
 * `defaultMessage` written in the admin's code is the text of its key in en.json (en.json is what
 * translators translate). Ids themselves are typed (`TranslationKey`): a typo fails the typecheck.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { createIntl } from 'react-intl';
import ts from 'typescript';

const ROOT = join(__dirname, '../..');
const ADMIN_SRC = join(ROOT, 'admin/src');
const TRANSLATIONS = join(ADMIN_SRC, 'translations');
const read = (file: string): Record<string, string> => JSON.parse(readFileSync(join(TRANSLATIONS, file), 'utf8'));

const en = read('en.json');
const locales = readdirSync(TRANSLATIONS)
  .filter((file) => file.endsWith('.json') && file !== 'en.json')
  .map((file) => [file.replace(/\.json$/, ''), read(file)] as const);

/**
 * The kind of a placeholder a translation must keep. A plain `{count}` may become a plural in a
 * language that inflects (`{count, plural, one {# copié} other {# copiés}}`): both are a number.
 */
const kindOf = (type: TYPE) => (type === TYPE.argument || type === TYPE.number || type === TYPE.plural ? 'value' : TYPE[type]);

/** The placeholders of a message, sorted: `name:kind`, plus the cases of each `select`. */
function placeholders(message: string): string[] {
  const found = new Set<string>();
  const walk = (elements: MessageFormatElement[]) => {
    for (const el of elements) {
      if (el.type === TYPE.literal || el.type === TYPE.pound) continue;
      found.add(`${el.value}:${kindOf(el.type)}`);
      if (el.type === TYPE.select) found.add(`${el.value}:cases=${Object.keys(el.options).sort().join('|')}`);
      if (el.type === TYPE.select || el.type === TYPE.plural) Object.values(el.options).forEach((o) => walk(o.value));
      if (el.type === TYPE.tag) walk(el.children);
    }
  };
  walk(parse(message));
  return [...found].sort();
}

/** Sample values for a message's placeholders: a number for a value (the admin passes numbers to plurals), a case for a select. */
const sampleValues = (message: string) =>
  Object.fromEntries(
    placeholders(message)
      .filter((p) => !p.includes(':cases='))
      .map((p) => {
        const [name, kind] = p.split(':');
        return [name, kind === 'value' ? 2 : kind === 'select' ? 'other' : `<${name}>`];
      })
  );

describe('admin translations', () => {
  it('there is a translation besides English', () => {
    expect(locales.map(([locale]) => locale)).toContain('fr');
  });

  describe.each(locales)('%s.json', (locale, messages) => {
    it('has exactly the keys of en.json', () => {
      const missing = Object.keys(en)
        .filter((key) => !(key in messages))
        .map((key) => `${key}: ${JSON.stringify(en[key])}`);
      const unknown = Object.keys(messages).filter((key) => !(key in en));
      expect({ missing, unknown }).toEqual({ missing: [], unknown: [] });
    });

    it('keeps the placeholders of each English message', () => {
      const differing = Object.keys(en)
        .filter((key) => key in messages)
        .map((key) => ({ key, en: placeholders(en[key]), [locale]: placeholders(messages[key]) }))
        .filter((d) => JSON.stringify(d.en) !== JSON.stringify(d[locale]));
      expect(differing).toEqual([]);
    });

    it('formats every message without an error (as the admin does, with react-intl)', () => {
      const errors: string[] = [];
      const intl = createIntl({ locale, messages, onError: (err) => errors.push(err.message.split('\n')[0]) });
      for (const key of Object.keys(messages)) {
        const text = intl.formatMessage({ id: key }, sampleValues(en[key] ?? messages[key]));
        expect(text).not.toMatch(/\{\w+[,}]|NaN/); // a placeholder left as is, or a number that was not one
      }
      expect(errors).toEqual([]);
    });
  });

  it('every English message parses', () => {
    const broken = Object.entries(en).filter(([, message]) => {
      try {
        parse(message);
        return false;
      } catch {
        return true;
      }
    });
    expect(broken).toEqual([]);
  });

  it("the admin's defaultMessages are the texts of en.json", () => {
    const found: Array<{ at: string; key: string; defaultMessage: string }> = [];
    for (const file of sourceFiles(ADMIN_SRC)) found.push(...defaultMessages(file));
    expect(found.length).toBeGreaterThan(200);
    const differing = found.filter((m) => en[m.key] !== m.defaultMessage).map((m) => ({ ...m, enJson: en[m.key] }));
    expect(differing).toEqual([]);
  }, 30_000); // parses the admin's sources: slow on a loaded machine

  it('no text is written straight into JSX', () => {
    const literal: string[] = [];
    for (const file of sourceFiles(ADMIN_SRC)) {
      const source = sourceOf(file);
      const visit = (node: ts.Node) => {
        const text = ts.isJsxText(node)
          ? node.text
          : ts.isJsxAttribute(node) &&
              USER_VISIBLE_PROPS.has(node.name.getText()) &&
              node.initializer &&
              ts.isStringLiteral(node.initializer)
            ? node.initializer.text
            : '';
        if (/\p{L}{2,}/u.test(text)) literal.push(`${at(source, node)} ${JSON.stringify(text.trim())}`);
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(literal).toEqual([]);
  }, 30_000);
});

/** Props whose string reaches the user as text (placeholders are examples: URLs, UIDs, JSON). */
const USER_VISIBLE_PROPS = new Set(['label', 'title', 'aria-label', 'hint', 'closeLabel', 'description', 'alt']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Each admin source parsed once (both scans read them). */
const parsed = new Map<string, ts.SourceFile>();
function sourceOf(file: string): ts.SourceFile {
  let source = parsed.get(file);
  if (!source) {
    const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
    source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, kind);
    parsed.set(file, source);
  }
  return source;
}

const at = (source: ts.SourceFile, node: ts.Node) =>
  `${relative(ROOT, source.fileName)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;

const literalText = (node: ts.Node | undefined) =>
  node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined;

/**
 * The (key, defaultMessage) pairs written in one file, in the project's three forms:
 * `t('key', 'default')`, `{ id: getTrad('key'), defaultMessage: 'default' }` and `['key', 'default']`
 * message tuples (whose first element is a key of en.json).
 */
function defaultMessages(file: string) {
  const source = sourceOf(file);
  const found: Array<{ at: string; key: string; defaultMessage: string }> = [];
  const add = (node: ts.Node, key: string | undefined, defaultMessage: string | undefined) => {
    if (key !== undefined && defaultMessage !== undefined) found.push({ at: at(source, node), key, defaultMessage });
  };
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && node.expression.getText() === 't')
      add(node, literalText(node.arguments[0]), literalText(node.arguments[1]));
    if (ts.isArrayLiteralExpression(node) && node.elements.length === 2 && (literalText(node.elements[0]) ?? '') in en) {
      add(node, literalText(node.elements[0]), literalText(node.elements[1]));
    }
    if (ts.isObjectLiteralExpression(node)) {
      const prop = (name: string) =>
        node.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === name)?.initializer;
      const id = prop('id');
      if (id && ts.isCallExpression(id) && id.expression.getText() === 'getTrad')
        add(node, literalText(id.arguments[0]), literalText(prop('defaultMessage')));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}
