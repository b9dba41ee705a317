import { actorName, isActor, MAX_ACTOR_LENGTH } from '../../server/src/engine/actor';

describe('actorName: who made a write, as events carry it', () => {
  it.each([
    ['an admin user', { user: { firstname: 'Ann', lastname: 'Smith', username: null } }, 'Ann Smith'],
    ['an admin user without a last name', { user: { firstname: 'Ann', lastname: null } }, 'Ann'],
    ['an admin user with only a username', { user: { firstname: '', lastname: '', username: 'ann' } }, 'ann'],
    ['a users-permissions user', { user: { username: 'shopkeeper' } }, 'shopkeeper'],
    ['an API token', { auth: { strategy: { name: 'content-api-token' }, credentials: { name: 'importer' } } }, 'API token "importer"'],
    [
      'an API token (strategy name before 5.54)',
      { auth: { strategy: { name: 'api-token' }, credentials: { name: 'old' } } },
      'API token "old"',
    ],
    ['an API token without a name', { auth: { strategy: { name: 'api-token' }, credentials: {} } }, 'an API token'],
    ['control characters and runs of spaces', { user: { firstname: 'Ann\n\u0007', lastname: '  Smith\t' } }, 'Ann Smith'],
  ])('%s', (_name, state, expected) => {
    expect(actorName(state as never)).toBe(expected);
  });

  it('is null without a request or a user, and never uses the email', () => {
    expect(actorName(undefined)).toBeNull();
    expect(actorName({})).toBeNull();
    expect(actorName({ user: null })).toBeNull();
    expect(actorName({ user: { email: 'ann@example.com' } } as never)).toBeNull();
  });

  it('is bounded', () => {
    const name = actorName({ user: { firstname: 'x'.repeat(500) } })!;
    expect(name.length).toBe(MAX_ACTOR_LENGTH);
    expect(isActor(name)).toBe(true);
  });

  it('isActor refuses what a producer must not send', () => {
    expect(isActor(undefined)).toBe(true);
    expect(isActor(null)).toBe(true);
    expect(isActor('Ann')).toBe(true);
    expect(isActor('')).toBe(false);
    expect(isActor('x'.repeat(MAX_ACTOR_LENGTH + 1))).toBe(false);
    expect(isActor('Ann\nSmith')).toBe(false);
    expect(isActor(42)).toBe(false);
    expect(isActor({ name: 'Ann' })).toBe(false);
  });
});
