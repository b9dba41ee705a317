/**
 * Hostile-input generators (fast-check) shared by the fuzz suites, and the report they write
 * (tests/artifacts/fuzz-report.json: per suite, how many inputs were tried and the slowest one).
 *
 * Objects are built with own properties only (as JSON.parse builds them), so `__proto__`,
 * `constructor` and `prototype` arrive as own keys, the way a hostile producer or client sends them.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';

/** The seed every fuzz suite runs with (CI reproducible); override with FUZZ_SEED to explore. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261130);

export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** An object whose keys are all own, enumerable data properties (`__proto__` included). */
export function ownObject(entries: Array<[string, unknown]>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

const HUGE = 'x'.repeat(1_000_000);
const SLASHES = '/'.repeat(200_000);

/** Strings that have hurt parsers and regexes: long runs, unicode, control characters, numbers as text. */
export const hostileString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.string({ maxLength: 20 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '',
        ' ',
        '0',
        '-1',
        '1e309',
        'NaN',
        'true',
        'null',
        '[]',
        '{}',
        '__proto__',
        'constructor',
        'prototype',
        'en',
        'fr-FR',
        'zh-Hant-TW',
        '../../etc/passwd',
        '%00',
        '\u0000',
        '\u202e',
        '𝒳\u0301',
        'a\nb',
        '<script>',
        "' OR 1=1 --",
        '$ne',
        SLASHES,
        `http://127.0.0.1${SLASHES}x`,
        HUGE
      ),
    },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 5000 }).map((n) => '/'.repeat(n) + 'a') }
  );

/** Scalars of every JSON type and a few that JSON cannot carry but a JS caller can. */
export const hostileScalar = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    hostileString(),
    fc.integer(),
    fc.double(),
    fc.constantFrom(0, -0, 1, -1, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1e308, true, false, null),
    fc.integer().map(String)
  );

/**
 * A JSON-like tree whose keys come from `keys` (plus the prototype keys) and whose leaves come from
 * `leaf`; objects have own keys only. `maxDepth` bounds the generator, not the engine.
 */
export function hostileTree(keys: string[], leaf: fc.Arbitrary<unknown>, maxDepth = 5): fc.Arbitrary<unknown> {
  const key = fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...keys) },
    { weight: 1, arbitrary: fc.constantFrom(...PROTO_KEYS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }
  );
  const { tree } = fc.letrec<{ tree: unknown; obj: Record<string, unknown> }>((tie) => ({
    tree: fc.oneof({ depthSize: 'small', maxDepth, withCrossShrink: true }, leaf, fc.array(tie('tree'), { maxLength: 4 }), tie('obj')),
    obj: fc.array(fc.tuple(key, tie('tree')), { maxLength: 6 }).map(ownObject),
  }));
  return tree;
}

/** Deep nesting (objects in arrays in objects…) around a value: `depth` levels. */
export const deeplyNested = (inner: unknown, depth: number, key = 'lines'): unknown => {
  let v = inner;
  for (let i = 0; i < depth; i += 1) v = i % 2 ? [v] : ownObject([[key, v]]);
  return v;
};

/** Measures inputs and the slowest one; `write(suite)` merges the figures into the report. */
export class FuzzStats {
  runs = 0;
  worstMs = 0;
  worstInput = '';
  private readonly started = Date.now();

  async time<T>(input: () => string, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      const ms = performance.now() - t0;
      this.runs += 1;
      if (ms > this.worstMs) {
        this.worstMs = ms;
        this.worstInput = input().slice(0, 300);
      }
    }
  }

  /** Adds this suite's figures to tests/artifacts/fuzz-report.json (other suites' entries are kept). */
  write(suite: string, extra: Record<string, unknown> = {}): void {
    const file = path.join(__dirname, '..', 'artifacts', 'fuzz-report.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const report = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
    report[suite] = {
      seed: FUZZ_SEED,
      inputs: this.runs,
      worstMs: Math.round(this.worstMs * 10) / 10,
      worstInput: this.worstInput,
      totalMs: Date.now() - this.started,
      at: new Date().toISOString(),
      ...extra,
    };
    fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  }
}

/** Own property names of the built-in prototypes: compared before and after a run. */
export const prototypeKeys = (): string[] =>
  [Object.prototype, Array.prototype, Function.prototype, String.prototype].flatMap((p, i) =>
    Reflect.ownKeys(p).map((k) => `${i}:${String(k)}`)
  );
