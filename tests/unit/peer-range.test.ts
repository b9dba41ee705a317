/**
 * The peer range claims only what is tested (issue 16.3): its floor for Strapi's own packages is
 * the version the tests install (devDependencies, pinned), so no older Strapi 5 minor — never
 * run here — is allowed. Raising the tested version without raising the floor (or the reverse)
 * fails here.
 */
import semver from 'semver';

const pkg = require('../../package.json') as {
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

describe.each(['@strapi/strapi', '@strapi/utils', '@strapi/design-system', '@strapi/icons'])('peer range of %s', (name) => {
  const range = pkg.peerDependencies[name];
  const tested = pkg.devDependencies[name];

  it('is floored at the tested (pinned, installed) version', () => {
    expect(semver.valid(tested)).toBe(tested);
    expect((require(`${name}/package.json`) as { version: string }).version).toBe(tested);
    expect(semver.minVersion(range)?.version).toBe(tested);
  });

  it('stays within the major the plugin is written for', () => {
    expect(semver.satisfies(tested, range)).toBe(true);
    expect(semver.intersects(range, `>=${semver.major(tested) + 1}.0.0`)).toBe(false);
  });
});
