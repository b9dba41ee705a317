/**
 * Conditions on a subscription (issue 14), as the bodies carry them: `condition` a Strapi
 * `filters` object or null, `onExit` "delete" | "keep". Only the shape is checked here (shared
 * with the admin); fields and operators are checked against the type's schema by the producer
 * when it saves them (engine/condition.ts validateCondition).
 */
import * as yup from 'yup';

const CONDITION_MESSAGE = '${path} must be a Strapi filters object or null';
export const ON_EXIT_VALUES = ['delete', 'keep'] as const;
const ON_EXIT_MESSAGE = `\${path} must be one of ${ON_EXIT_VALUES.join(', ')}`;

export const conditionField = yup
  .mixed<Record<string, unknown> | null>()
  .nullable()
  .test('filters', CONDITION_MESSAGE, (v) => v === undefined || v === null || (typeof v === 'object' && !Array.isArray(v)));

export const onExitField = yup.string().oneOf([...ON_EXIT_VALUES], ON_EXIT_MESSAGE);
