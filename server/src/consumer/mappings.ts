import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import type { DocumentTypeMapping, FieldMapping, MappingBody, MappingInput } from '../shared/contracts';
import { InputError } from '../engine/errors';
import { mappingTypeProblem } from '../shared/validation/mappings';
import { conflict } from '../errors';
import { getService, repo } from '../utils';

type MappingRow = DocumentTypeMapping;

/** The mappings a row reads through: its inner mapping and a dynamic zone's component mappings. */
const innerNames = (f: FieldMapping): string[] => [...(f.mapping ? [f.mapping] : []), ...(f.componentMappings ?? [])];

/** Document Type Mappings (consumer side), validated against the local schemas when saved. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const mappings = () => repo<MappingRow>(strapi, UID.mapping);

  /**
   * The rules of a mapping that need this site (the body already passed the shared schema,
   * shared/validation/mappings.ts): the name is free, the local type and its fields exist, each
   * field's kind fits its mapping type, inner mappings exist, match and form no cycle.
   * @throws ConflictError (name in use) or InputError listing every problem.
   */
  /** An inner mapping must exist and map into the field's component / relation target. */
  const checkInner = async (at: string, inner: string, into: string | undefined, errors: string[]): Promise<void> => {
    const m = await mappings().findOne({ where: { mappingName: inner } });
    if (!m) errors.push(`${at}.mapping: no mapping named "${inner}"`);
    else if (m.localContentType !== into) errors.push(`${at}.mapping "${inner}" maps into ${m.localContentType}, not ${String(into)}`);
  };

  /** A relation row's default names local documents of the field's target (the shared schema checked its shape). */
  const checkLocalDefault = async (at: string, value: unknown, target: string | undefined, errors: string[]): Promise<void> => {
    const ids = value === null ? [] : (Array.isArray(value) ? value : [value]).map(String);
    if (!ids.length || !target) return;
    const found = await repo<{ documentId: string }>(strapi, target).findMany({
      where: { documentId: { $in: ids } },
      select: ['documentId'],
    });
    const missing = ids.filter((id) => !found.some((d) => d.documentId === id));
    if (ids.some((id) => /^\d+$/.test(id)) && missing.length)
      errors.push(`${at}.defaultValue: a relation default is the documentId (text) of a local ${target}, not a number`);
    else if (missing.length)
      errors.push(`${at}.defaultValue: no ${target} with documentId ${missing.map((m) => JSON.stringify(m)).join(', ')} here`);
  };

  /**
   * A dynamic zone's component mappings: each exists and maps into a component the local zone
   * allows; no two read the same remote component.
   */
  const checkZone = async (at: string, names: string[] | null, allowed: string[], errors: string[]): Promise<void> => {
    const seen = new Map<string, string>();
    for (const name of names ?? []) {
      const m = await mappings().findOne({ where: { mappingName: name } });
      if (!m) errors.push(`${at}.componentMappings: no mapping named "${name}"`);
      else if (!allowed.includes(m.localContentType))
        errors.push(
          `${at}.componentMappings "${name}" maps into ${m.localContentType}, which the dynamic zone does not allow (${allowed.join(', ')})`
        );
      else if (seen.has(m.remoteContentType))
        errors.push(`${at}.componentMappings "${name}" and "${seen.get(m.remoteContentType)}" both read ${m.remoteContentType}`);
      else seen.set(m.remoteContentType, name);
    }
  };

  /** @throws ConflictError when another mapping has this name. */
  const assertNameFree = async (mappingName: string, selfId: number | null): Promise<void> => {
    const clash = await mappings().findOne({ where: { mappingName } });
    if (clash && clash.id !== selfId) throw conflict(`A mapping named "${mappingName}" already exists`);
  };

  const validate = async (body: MappingBody, selfId: number | null): Promise<MappingInput> => {
    const { mappingName, localContentType, remoteContentType, fieldMappings } = body;
    await assertNameFree(mappingName, selfId);
    const model = getService(strapi, 'schema').model(localContentType);
    if (!model || !localContentType.includes('.') || localContentType.startsWith('plugin::') || localContentType.startsWith('admin::')) {
      throw new InputError(`localContentType ${JSON.stringify(localContentType)} is not a content type or component of this site`);
    }
    const errors: string[] = [];
    const out: FieldMapping[] = [];
    for (const [i, fm] of fieldMappings.entries()) {
      const at = `fieldMappings[${i}]`;
      const { localField } = fm;
      const attr = model.attributes[localField];
      if (!attr) {
        errors.push(`${at}.localField ${JSON.stringify(localField)} is not a field of ${localContentType}`);
        continue;
      }
      const remoteField = fm.remoteField || null;
      const mappingType = fm.mappingType ?? 'none';
      const inner = fm.mapping || null;
      const defaultValue = fm.defaultValue === undefined ? null : fm.defaultValue;
      const filters = fm.remoteValueFilters ?? null;
      const components = mappingType === 'dynamiczone' ? [...new Set(fm.componentMappings ?? [])] : null;
      const problem = mappingTypeProblem(localField, attr.type, mappingType, remoteField !== null);
      if (problem) errors.push(`${at}: ${problem}`);
      else if (mappingType === 'component' && inner) await checkInner(at, inner, attr.component, errors);
      else if (mappingType === 'relation') {
        if (inner) await checkInner(at, inner, attr.target, errors);
        await checkLocalDefault(at, defaultValue, attr.target, errors);
      } else if (mappingType === 'dynamiczone') await checkZone(at, components, attr.components ?? [], errors);
      out.push({
        localField,
        remoteField,
        defaultValue,
        mappingType,
        mapping: inner,
        componentMappings: components,
        remoteValueFilters: filters,
      });
    }
    // Inner mappings must not lead back to this one (a cycle would nest forever).
    const all = await mappings().findMany({});
    const byName = new Map(all.map((m) => [m.mappingName, m]));
    const reaches = (name: string, seen: Set<string>): boolean => {
      if (name === mappingName) return true;
      if (seen.has(name)) return false;
      seen.add(name);
      return (byName.get(name)?.fieldMappings ?? []).some((f) => innerNames(f).some((n) => reaches(n, seen)));
    };
    for (const name of out.flatMap(innerNames)) {
      if (reaches(name, new Set())) errors.push(`inner mapping "${name}" leads back to "${mappingName}" (a cycle)`);
    }
    if (errors.length) throw new InputError(`Invalid mapping: ${errors.join('; ')}`, { errors });
    return { mappingName, localContentType, remoteContentType, fieldMappings: out };
  };

  return {
    assertNameFree,
    list: () => mappings().findMany({ orderBy: { mappingName: 'asc' } }),
    get: (id: number) => mappings().findOne({ where: { id } }),
    async create(body: MappingBody) {
      return mappings().create({ data: await validate(body, null) });
    },
    async update(id: number, body: MappingBody) {
      if (!(await mappings().findOne({ where: { id } }))) return null;
      return mappings().update({ where: { id }, data: await validate(body, id) });
    },
    async remove(id: number): Promise<boolean> {
      const m = await mappings().findOne({ where: { id } });
      if (!m) return false;
      const producers = await getService(strapi, 'producer-store').subscriptionsOfAll();
      const users = producers.filter((p) =>
        ((p.subscriptions ?? []) as Array<{ mapping: string | null }>).some((s) => s.mapping === m.mappingName)
      );
      if (users.length)
        throw conflict(`Mapping "${m.mappingName}" is used by the Event Producer(s) ${users.map((p) => p.producerUrl).join(', ')}`);
      const parents = (await mappings().findMany({})).filter((o) => o.fieldMappings.some((f) => innerNames(f).includes(m.mappingName)));
      if (parents.length)
        throw conflict(`Mapping "${m.mappingName}" is the inner mapping of ${parents.map((p) => `"${p.mappingName}"`).join(', ')}`);
      await mappings().delete({ where: { id } });
      return true;
    },
  };
};
