/**
 * One yup schema per input of the plugin's HTTP APIs, shared by the server (controllers and
 * services validate with them) and the admin panel (forms can validate with the same objects).
 * Only `yup` is imported here: no Node, no Strapi.
 */
export * from './common';
export * from './check';
export * from './producers';
export * from './consumers';
export * from './mappings';
export * from './stream';
export * from './query';
export * from './monitoring';
export * from './condition';
export * from './review';
