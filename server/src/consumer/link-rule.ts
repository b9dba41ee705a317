import type { LinkRule } from '../engine/inline-media';

/**
 * The per-producer link rule (issue 15.4): links in rich text and Blocks that start with `from`
 * (the producer's public URL, or a part of it) are written with `to` in its place on this site.
 * Stored on the Event Producer (`linkRule`, JSON); validated on input (shared/validation/producers.ts).
 */
export const linkRuleOf = (row: { linkRule?: unknown }): LinkRule | null => {
  const r = row.linkRule as Partial<LinkRule> | null | undefined;
  return r && typeof r.from === 'string' && r.from && typeof r.to === 'string' ? { from: r.from, to: r.to } : null;
};
