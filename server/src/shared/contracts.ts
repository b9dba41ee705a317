/**
 * Entry point of the shared contracts (the admin imports them from here): see ./contracts/.
 * Type-only.
 */
export type * from './contracts/index';
