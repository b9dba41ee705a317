/**
 * Issue 13 (unbounded work), engine side: the per-event budgets of the dependency walk (documents,
 * files, bytes; engine/apply/budget.ts), and no orphan uploads — files uploaded for an event that
 * then fails (in the walk, or when its apply rolls back) are removed. Over the in-memory fake site
 * of the apply tests; processEvent is the real pull loop's.
 */
import {
  BudgetExceededError,
  DEFAULT_EVENT_LIMITS,
  applyEvent,
  discardPrepared,
  prepareEvent,
  type Prepared,
} from '../../server/src/engine/apply';
import { EventBudget, jsonBytes } from '../../server/src/engine/apply/budget';
import { ApplyError, RemoteError, isTransient } from '../../server/src/engine/errors';
import { processEvent, type Outcome, type PullPorts } from '../../server/src/engine/pull-loop';
import { defaultConfig, validateConfig } from '../../server/src/config';
import type { StreamEvent } from '../../server/src/shared/contracts';
import { ARTICLE, ITEM, NODE, SUPPLIER, event, fakeSite, file, ref, sub } from '../helpers/apply-fake';

const refusal = async (p: Promise<unknown>): Promise<BudgetExceededError> => {
  const error = await p.then(
    () => null,
    (e: unknown) => e
  );
  expect(error).toBeInstanceOf(BudgetExceededError);
  expect(error).toBeInstanceOf(ApplyError); // recorded Failed, not retried as transient
  expect(isTransient(error)).toBe(false);
  return error as BudgetExceededError;
};

describe('EventBudget', () => {
  const limits = { maxDependencies: 2, maxFiles: 2, maxBytes: 100 };

  it('counts dependencies before each fetch: the limit-th passes, one more is refused naming the config key', () => {
    const b = new EventBudget('api::node.node root', limits);
    b.dependency();
    b.dependency();
    expect(() => b.dependency()).toThrow('api::node.node root has more than 2 missing dependencies (config maxDependenciesPerEvent)');
  });

  it('counts distinct files only', () => {
    const b = new EventBudget('x', limits);
    b.file('a');
    b.file('a');
    b.file('b');
    b.file('b');
    expect(() => b.file('c')).toThrow('x references more than 2 files (config maxFilesPerEvent)');
  });

  it('adds the bytes held and refuses past the limit', () => {
    const b = new EventBudget('x', limits);
    b.hold(60);
    b.hold(40);
    expect(() => b.hold(1)).toThrow('x needs more than 100 bytes of documents in memory (config maxEventBytes)');
  });

  it('measures data as UTF-8 JSON', () => {
    expect(jsonBytes({ a: 'é' })).toBe(Buffer.byteLength('{"a":"é"}'));
  });
});

describe('config keys of the budgets', () => {
  it('defaults are the engine defaults, and bad values are refused naming the key', () => {
    expect(defaultConfig).toMatchObject({
      maxDependenciesPerEvent: DEFAULT_EVENT_LIMITS.maxDependencies,
      maxFilesPerEvent: DEFAULT_EVENT_LIMITS.maxFiles,
      maxEventBytes: DEFAULT_EVENT_LIMITS.maxBytes,
      notifyConcurrency: 8,
    });
    for (const key of ['maxDependenciesPerEvent', 'maxFilesPerEvent', 'maxEventBytes', 'notifyConcurrency']) {
      expect(() => validateConfig({ [key]: 0 })).toThrow(`event-streaming: config "${key}" must be a positive integer`);
      expect(() => validateConfig({ [key]: '5' as unknown as number })).toThrow(`config "${key}"`);
      expect(() => validateConfig({ [key]: 5 })).not.toThrow();
    }
  });
});

describe('the walk stays within the event budgets (ports.limits)', () => {
  it('dependencies: maxDependencies fetches, then Failed naming maxDependenciesPerEvent; nothing written', async () => {
    const fake = fakeSite();
    fake.ports.limits = { ...DEFAULT_EVENT_LIMITS, maxDependencies: 3 };
    const links = Array.from({ length: 5 }, (_, i) => ref(NODE, `m${i}`));
    for (let i = 0; i < 5; i += 1) fake.publish(NODE, `m${i}`, { name: `m${i}` });
    const e = await refusal(prepareEvent(fake.ports, [sub(NODE)], event('Create', NODE, 'root', { links })));
    expect(e.message).toBe(`${NODE} root has more than 3 missing dependencies (config maxDependenciesPerEvent)`);
    expect(e.configKey).toBe('maxDependenciesPerEvent');
    expect(fake.ops('fetch')).toHaveLength(3);
    expect(fake.writes()).toEqual([]);
  });

  it('exactly maxDependencies missing documents apply', async () => {
    const fake = fakeSite();
    fake.ports.limits = { ...DEFAULT_EVENT_LIMITS, maxDependencies: 3 };
    for (let i = 0; i < 3; i += 1) fake.publish(NODE, `m${i}`, { name: `m${i}` });
    const ev = event('Create', NODE, 'root', { links: [0, 1, 2].map((i) => ref(NODE, `m${i}`)) });
    const prepared = await prepareEvent(fake.ports, [sub(NODE)], ev);
    await fake.transaction(() => applyEvent(fake.ports, [sub(NODE)], ev, prepared));
    expect(fake.docsOf(NODE)).toHaveLength(4);
  });

  it('files: more distinct files than maxFiles is refused before the extra one is transferred, and the ones uploaded are removed', async () => {
    const fake = fakeSite();
    fake.ports.limits = { ...DEFAULT_EVENT_LIMITS, maxFiles: 2 };
    const ev = event('Create', ARTICLE, 'a1', { title: 'T', gallery: [file('g1'), file('g2'), file('g1'), file('g3')] }, { locale: 'en' });
    const e = await refusal(prepareEvent(fake.ports, [sub(ARTICLE)], ev));
    expect(e.message).toBe(`${ARTICLE} a1 references more than 2 files (config maxFilesPerEvent)`);
    expect(fake.ops('transfer').map((c) => c.file)).toEqual(['g1', 'g2']);
    expect(fake.ops('removeFile').map((c) => c.file)).toEqual(['g1', 'g2']);
    expect(fake.site.uploads.size).toBe(0);
    expect(fake.refOf('plugin::upload.file', 'g1')).toMatchObject({ deleted: true });
  });

  it('a file already here still counts (the verdict does not depend on what this site has) and is not removed', async () => {
    const fake = fakeSite();
    const first = event('Create', ITEM, 'i1', { name: 'A', image: file('f1') });
    const p1 = await prepareEvent(fake.ports, [sub(ITEM)], first);
    await fake.transaction(() => applyEvent(fake.ports, [sub(ITEM)], first, p1));
    fake.ports.limits = { ...DEFAULT_EVENT_LIMITS, maxFiles: 1 };
    const ev = event('Create', ARTICLE, 'a1', { title: 'T', gallery: [file('f1'), file('g2')] }, { locale: 'en' });
    await refusal(prepareEvent(fake.ports, [sub(ARTICLE)], ev));
    expect(fake.ops('transfer').map((c) => c.file)).toEqual(['f1']); // the earlier event's
    expect(fake.ops('removeFile')).toEqual([]);
    expect(fake.site.uploads.size).toBe(1);
  });

  it('bytes: fetched documents over maxBytes is refused naming maxEventBytes', async () => {
    const fake = fakeSite();
    fake.ports.limits = { ...DEFAULT_EVENT_LIMITS, maxBytes: 1_800 };
    fake.publish(NODE, 'big1', { name: 'x'.repeat(900) });
    fake.publish(NODE, 'big2', { name: 'y'.repeat(900) });
    fake.publish(NODE, 'big3', { name: 'z'.repeat(900) });
    const ev = event('Create', NODE, 'root', { links: [ref(NODE, 'big1'), ref(NODE, 'big2'), ref(NODE, 'big3')] });
    const e = await refusal(prepareEvent(fake.ports, [sub(NODE)], ev));
    expect(e.message).toBe(`${NODE} root needs more than 1800 bytes of documents in memory (config maxEventBytes)`);
    expect(fake.ops('fetch')).toHaveLength(2); // the second one crossed the limit; the third is never fetched
  });
});

describe('no orphan uploads', () => {
  it('a walk that fails after uploading (a later dependency is refused) removes its uploads', async () => {
    const fake = fakeSite();
    const ev = event('Create', ITEM, 'i1', { name: 'A', image: file('f1'), supplier: ref(SUPPLIER, 's1') });
    fake.ports.fetchDocument = async () => {
      throw new RemoteError('producer answered 403', 403);
    };
    await expect(prepareEvent(fake.ports, [sub(ITEM)], ev)).rejects.toThrow('producer answered 403');
    expect(fake.ops('transfer').map((c) => c.file)).toEqual(['f1']);
    expect(fake.ops('removeFile').map((c) => c.file)).toEqual(['f1']);
    expect(fake.site.uploads.size).toBe(0);
  });

  it('a removal that fails too is named beside the cause', async () => {
    const fake = fakeSite();
    fake.ports.limits = { ...DEFAULT_EVENT_LIMITS, maxFiles: 1 };
    fake.ports.removeFile = async () => {
      throw new Error('disk gone');
    };
    const ev = event('Create', ARTICLE, 'a1', { title: 'T', gallery: [file('g1'), file('g2')] }, { locale: 'en' });
    await expect(prepareEvent(fake.ports, [sub(ARTICLE)], ev)).rejects.toThrow(
      `${ARTICLE} a1 references more than 1 files (config maxFilesPerEvent); Removing 1 file(s) uploaded for the event failed: disk gone`
    );
  });

  /** The pull loop's processEvent over the fake site: prepare, apply in a transaction, record, discard. */
  const pullPorts = (fake: ReturnType<typeof fakeSite>, outcomes: Outcome[]): PullPorts => {
    const subs = [sub(ITEM)];
    return {
      loadCursor: async () => 0,
      fetchPage: async () => {
        throw new Error('not used');
      },
      recordPull: async () => undefined,
      keepLease: async () => undefined,
      prepare: (e: StreamEvent) => prepareEvent(fake.ports, subs, e),
      transaction: (fn) => fake.transaction(fn),
      eventState: async () => ({ processed: false, blocker: null }),
      apply: (e, prepared) => applyEvent(fake.ports, subs, e, prepared as Prepared),
      discard: (prepared) => discardPrepared(fake.ports, prepared as Prepared),
      record: async (_e, outcome) => {
        outcomes.push(outcome);
      },
      saveCursor: async () => undefined,
    };
  };

  it('an event whose apply fails (rolled back) is Failed and the file uploaded for it is removed; a Synced one keeps it', async () => {
    const fake = fakeSite();
    const outcomes: Outcome[] = [];
    fake.site.failWrite = (uid) => (uid === ITEM ? new ApplyError('name must be unique') : null);
    const status = await processEvent(pullPorts(fake, outcomes), event('Create', ITEM, 'i1', { name: 'A', image: file('f1') }));
    expect(status).toBe('Failed');
    expect(outcomes).toEqual([{ status: 'Failed', error: 'name must be unique' }]);
    expect(fake.ops('transfer').map((c) => c.file)).toEqual(['f1']);
    expect(fake.site.uploads.size).toBe(0);
    expect(fake.refOf('plugin::upload.file', 'f1')).toMatchObject({ deleted: true });

    fake.site.failWrite = null;
    await expect(processEvent(pullPorts(fake, outcomes), event('Create', ITEM, 'i1', { name: 'A', image: file('f1') }))).resolves.toBe(
      'Synced'
    );
    expect(fake.ops('transfer').map((c) => c.file)).toEqual(['f1', 'f1']); // downloaded again
    expect(fake.site.uploads.size).toBe(1);
    expect(fake.refOf('plugin::upload.file', 'f1')).toMatchObject({ deleted: false });
  });
});
