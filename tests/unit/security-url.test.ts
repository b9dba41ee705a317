/**
 * Issue 13, finding 1: a site URL is parsed in linear time under a length bound. `/\/+$/` was
 * quadratic on a long run of slashes not at the end (200,000 slashes: tens of seconds of CPU,
 * and the URL was accepted). Fuzzed with fast-check (fixed seed): only InputError, always fast,
 * idempotent.
 */
import fc from 'fast-check';
import { MAX_URL_LENGTH, normalizeSiteUrl, trimTrailingSlashes } from '../../server/src/engine/url';
import { InputError } from '../../server/src/engine/errors';

/**
 * The bound separates linear from super-linear work, not fast from slow: a backtracking pattern
 * on these inputs takes seconds to hours, a linear scan a few milliseconds. 50 ms failed once on
 * a 2-core machine with seven Strapi test runs beside it; 1 s still leaves a wide margin.
 */
const FAST_MS = 1_000;

/** Milliseconds `fn` takes, and what it threw (undefined if nothing). */
function timed(fn: () => unknown): { ms: number; error: unknown } {
  const t0 = process.hrtime.bigint();
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, error };
}

describe('normalizeSiteUrl: hostile lengths', () => {
  it.each([
    ['200,000 slashes, then a character', `http://a.example/${'/'.repeat(200_000)}x`],
    ['200,000 slashes at the end', `http://a.example/${'/'.repeat(200_000)}`],
    ['200,000 slashes alone', '/'.repeat(200_000)],
    ['40,000 slashes, then a character', `http://a.example/${'/'.repeat(40_000)}x`],
    ['one character over the bound', `http://a.example/${'x'.repeat(MAX_URL_LENGTH - 16)}`],
    ['2 MB of spaces', ' '.repeat(2_000_000)],
  ])('refuses %s quickly, with an InputError naming the limit', (_name, input) => {
    expect(input.length).toBeGreaterThan(MAX_URL_LENGTH);
    const { ms, error } = timed(() => normalizeSiteUrl(input, 'callbackUrl'));
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(`callbackUrl is too long (${input.length} characters; at most ${MAX_URL_LENGTH})`);
    expect(ms).toBeLessThan(FAST_MS);
  });

  it('accepts a URL of exactly the bound, and trims a long run of inner and trailing slashes linearly', () => {
    const atBound = `http://a.example/${'/'.repeat(MAX_URL_LENGTH - 18)}x`;
    expect(atBound).toHaveLength(MAX_URL_LENGTH);
    const { ms, error } = timed(() => normalizeSiteUrl(atBound));
    expect(error).toBeUndefined();
    expect(ms).toBeLessThan(FAST_MS);
    expect(normalizeSiteUrl(atBound)).toBe(atBound);
    expect(normalizeSiteUrl(`http://a.example/b${'/'.repeat(MAX_URL_LENGTH - 20)}`)).toBe('http://a.example/b');
  });

  it('refuses a URL that percent-encoding makes longer than the bound', () => {
    const input = `http://a.example/${'é'.repeat(1000)}`; // 1,017 characters, 6,017 once encoded
    expect(input.length).toBeLessThan(MAX_URL_LENGTH);
    expect(() => normalizeSiteUrl(input)).toThrow(/^producerUrl is too long once normalised \(\d+ characters; at most 2048\)$/);
  });
});

describe('trimTrailingSlashes', () => {
  it.each([
    ['', ''],
    ['/', ''],
    ['///', ''],
    ['/a', '/a'],
    ['/a/', '/a'],
    ['/a//b///', '/a//b'],
    ['a', 'a'],
  ])('%p -> %p', (input, expected) => {
    expect(trimTrailingSlashes(input)).toBe(expected);
  });

  it('is linear: a million slashes before a character take no time', () => {
    const s = `${'/'.repeat(1_000_000)}x${'/'.repeat(1_000_000)}`;
    const { ms } = timed(() => expect(trimTrailingSlashes(s)).toHaveLength(1_000_001));
    expect(ms).toBeLessThan(FAST_MS);
  });
});

describe('normalizeSiteUrl: fuzzed (fast-check, fixed seed)', () => {
  const piece = fc.oneof(
    { weight: 4, arbitrary: fc.stringMatching(/^\/[A-Za-z0-9._~-]{0,10}$/) },
    fc.constantFrom('/', '//', '\\', ':', '@', '?', '#', '%', '%2F', '%2e', '.', '..', ' ', '\t', '\n', '[', ']', '::1', 'é', '\u0000'),
    fc.string({ maxLength: 8 }),
    fc.integer({ min: 0, max: 70_000 }).map(String),
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 3000 }).map((n) => '/'.repeat(n)) }
  );
  const urlish = fc.tuple(
    fc.constantFrom('http://', 'https://', 'HTTP://', 'ftp://', 'javascript:', '', 'http:', 'https:///', ' http://'),
    fc.oneof(
      fc.domain(),
      fc.ipV4(),
      fc.ipV6().map((ip) => `[${ip}]`),
      fc.constantFrom('localhost', 'EXAMPLE.com', 'xn--nxasmq6b', '')
    ),
    fc.oneof(
      fc.constant(''),
      fc.integer({ min: 0, max: 99_999 }).map((p) => `:${p}`)
    ),
    fc.array(piece, { maxLength: 12 })
  );
  const input = fc.oneof(
    { weight: 6, arbitrary: urlish.map(([scheme, host, port, rest]) => `${scheme}${host}${port}${rest.join('')}`) },
    { weight: 2, arbitrary: fc.webUrl({ withFragments: true, withQueryParameters: true }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 300, unit: 'binary' }) },
    { weight: 1, arbitrary: fc.anything() }
  );

  it('throws nothing but InputError, stays under 50 ms per call, and is idempotent', () => {
    let accepted = 0;
    fc.assert(
      fc.property(input, (value) => {
        const { ms, error } = timed(() => normalizeSiteUrl(value));
        if (ms >= FAST_MS) throw new Error(`took ${ms.toFixed(1)} ms`);
        if (error !== undefined) {
          if (!(error instanceof InputError)) throw error;
          return;
        }
        accepted += 1;
        const once = normalizeSiteUrl(value);
        expect(normalizeSiteUrl(once)).toBe(once);
        expect(once.length).toBeLessThanOrEqual(MAX_URL_LENGTH);
        expect(once).toMatch(/^https?:\/\/[^/?#@\s]+(\/[^?#]*[^/])?$/);
      }),
      { seed: 1313, numRuns: 4000 }
    );
    // The generator is not all noise: a good share of the inputs (about a sixth) are valid URLs.
    expect(accepted).toBeGreaterThan(500);
  });
});
