import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import type { DocumentTypeMapping, FieldMapping, MappingInput } from '../shared/contracts';
import { InputError } from '../engine/errors';
import { conflict } from '../errors';
import { getService, repo } from '../utils';

type MappingRow = DocumentTypeMapping;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const MAPPING_TYPES = ['none', 'component', 'relation'] as const;

/** Document Type Mappings (consumer side), validated against the local schemas when saved. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const mappings = () => repo<MappingRow>(strapi, UID.mapping);

  const validate = async (body: unknown, selfId: number | null): Promise<MappingInput> => {
    if (!isObject(body)) throw new InputError('The body must be a JSON object');
    const allowed = ['mappingName', 'localContentType', 'remoteContentType', 'fieldMappings'];
    const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
    if (unknown.length) throw new InputError(`Unknown field(s): ${unknown.join(', ')}`);
    const { mappingName, localContentType, remoteContentType, fieldMappings } = body;
    if (typeof mappingName !== 'string' || !/^[\w .-]{1,100}$/.test(mappingName)) {
      throw new InputError('mappingName must be 1-100 letters, digits, spaces, dots, dashes or underscores');
    }
    const clash = await mappings().findOne({ where: { mappingName } });
    if (clash && clash.id !== selfId) throw conflict(`A mapping named "${mappingName}" already exists`);
    const model = typeof localContentType === 'string' ? getService(strapi, 'schema').model(localContentType) : undefined;
    if (
      !model ||
      !(localContentType as string).includes('.') ||
      String(localContentType).startsWith('plugin::') ||
      String(localContentType).startsWith('admin::')
    ) {
      throw new InputError(`localContentType ${JSON.stringify(localContentType)} is not a content type or component of this site`);
    }
    if (typeof remoteContentType !== 'string' || !/^([a-z]+::)?[a-z0-9-]+\.[a-z0-9-]+$/.test(remoteContentType)) {
      throw new InputError('remoteContentType must be a content type UID (api::name.name) or component UID (category.name)');
    }
    if (!Array.isArray(fieldMappings) || fieldMappings.length === 0 || fieldMappings.length > 200) {
      throw new InputError('fieldMappings must be a list of 1 to 200 entries');
    }
    const errors: string[] = [];
    const seen = new Set<string>();
    const out: FieldMapping[] = [];
    for (const [i, fm] of fieldMappings.entries()) {
      const at = `fieldMappings[${i}]`;
      if (!isObject(fm)) {
        errors.push(`${at} must be an object`);
        continue;
      }
      const localField = fm.localField;
      const attr = typeof localField === 'string' ? model.attributes[localField] : undefined;
      if (!attr) {
        errors.push(`${at}.localField ${JSON.stringify(localField)} is not a field of ${String(localContentType)}`);
        continue;
      }
      if (seen.has(localField as string)) errors.push(`${at}.localField ${String(localField)} is mapped twice`);
      seen.add(localField as string);
      const remoteField = fm.remoteField === undefined || fm.remoteField === '' ? null : fm.remoteField;
      if (remoteField !== null && (typeof remoteField !== 'string' || !/^[A-Za-z_][\w]{0,99}$/.test(remoteField))) {
        errors.push(`${at}.remoteField must be a field name`);
      }
      const mappingType = (fm.mappingType ?? 'none') as FieldMapping['mappingType'];
      if (!MAPPING_TYPES.includes(mappingType)) errors.push(`${at}.mappingType must be one of ${MAPPING_TYPES.join(', ')}`);
      const inner = fm.mapping === undefined || fm.mapping === '' ? null : fm.mapping;
      if (inner !== null && typeof inner !== 'string') errors.push(`${at}.mapping must be a mapping name`);
      const defaultValue = fm.defaultValue === undefined ? null : fm.defaultValue;
      const filters = fm.remoteValueFilters === undefined ? null : fm.remoteValueFilters;
      if (filters !== null && !isObject(filters)) errors.push(`${at}.remoteValueFilters must be an object of field: value`);
      if (remoteField === null && defaultValue === null) errors.push(`${at}: ${String(localField)} needs a remoteField or a defaultValue`);
      if (mappingType === 'component') {
        if (attr.type !== 'component') errors.push(`${at}: ${String(localField)} is not a component field`);
        if (!inner) errors.push(`${at}: a component mapping needs an inner mapping`);
        else {
          const m = await mappings().findOne({ where: { mappingName: inner } });
          if (!m) errors.push(`${at}.mapping: no mapping named "${String(inner)}"`);
          else if (m.localContentType !== attr.component)
            errors.push(`${at}.mapping "${String(inner)}" maps into ${m.localContentType}, not ${String(attr.component)}`);
        }
      } else if (mappingType === 'relation') {
        if (attr.type !== 'relation') errors.push(`${at}: ${String(localField)} is not a relation field`);
        if (!inner && defaultValue === null) errors.push(`${at}: a relation mapping needs an inner mapping or a default value`);
        if (inner) {
          const m = await mappings().findOne({ where: { mappingName: inner } });
          if (!m) errors.push(`${at}.mapping: no mapping named "${String(inner)}"`);
          else if (m.localContentType !== attr.target)
            errors.push(`${at}.mapping "${String(inner)}" maps into ${m.localContentType}, not ${String(attr.target)}`);
        }
      } else {
        if (attr.type === 'component' || attr.type === 'dynamiczone') {
          if (remoteField !== null)
            errors.push(`${at}: ${String(localField)} is a ${attr.type}; use mappingType "component" with an inner mapping`);
        }
        if (attr.type === 'relation' && remoteField !== null)
          errors.push(`${at}: ${String(localField)} is a relation; use mappingType "relation"`);
      }
      out.push({
        localField: localField as string,
        remoteField: remoteField as string | null,
        defaultValue,
        mappingType,
        mapping: inner as string | null,
        remoteValueFilters: filters as Record<string, unknown> | null,
      });
    }
    // Inner mappings must not lead back to this one (a cycle would nest forever).
    const all = await mappings().findMany({});
    const byName = new Map(all.map((m) => [m.mappingName, m]));
    const reaches = (name: string, seen: Set<string>): boolean => {
      if (name === mappingName) return true;
      if (seen.has(name)) return false;
      seen.add(name);
      return (byName.get(name)?.fieldMappings ?? []).some((f) => f.mapping !== null && reaches(f.mapping, seen));
    };
    for (const fm of out) {
      if (fm.mapping && reaches(fm.mapping, new Set()))
        errors.push(`inner mapping "${fm.mapping}" leads back to "${mappingName}" (a cycle)`);
    }
    if (errors.length) throw new InputError(`Invalid mapping: ${errors.join('; ')}`, { errors });
    return { mappingName, localContentType: localContentType as string, remoteContentType, fieldMappings: out };
  };

  return {
    list: () => mappings().findMany({ orderBy: { mappingName: 'asc' } }),
    get: (id: number) => mappings().findOne({ where: { id } }),
    async create(body: unknown) {
      return mappings().create({ data: await validate(body, null) });
    },
    async update(id: number, body: unknown) {
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
      const parents = (await mappings().findMany({})).filter((o) => o.fieldMappings.some((f) => f.mapping === m.mappingName));
      if (parents.length)
        throw conflict(`Mapping "${m.mappingName}" is the inner mapping of ${parents.map((p) => `"${p.mappingName}"`).join(', ')}`);
      await mappings().delete({ where: { id } });
      return true;
    },
  };
};
