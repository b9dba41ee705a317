/**
 * The site-to-site paths (protocol/wire.ts): every request path the clients build, pinned byte for
 * byte (the paths a deployed peer serves and calls must not move), and each one matched by the
 * route the producer or consumer declares under API_PREFIX (routes/content-api.ts).
 */
import contentApi from '../../server/src/routes/content-api';
import { API_PREFIX, paths, ROUTES } from '../../server/src/protocol/wire';

describe('protocol/wire paths', () => {
  it('are the published paths, byte for byte', () => {
    expect(API_PREFIX).toBe('/api/event-streaming');
    expect(paths.register()).toBe('/api/event-streaming/register');
    expect(paths.updates()).toBe('/api/event-streaming/updates');
    expect(paths.listDocuments('api::item.item')).toBe('/api/event-streaming/documents/api%3A%3Aitem.item');
    expect(paths.matchDocument('api::item.item')).toBe('/api/event-streaming/documents/api%3A%3Aitem.item');
    expect(paths.fetchDocument('api::item.item', 'a/b c')).toBe('/api/event-streaming/documents/api%3A%3Aitem.item/a%2Fb%20c');
    expect(paths.fetchFile('12')).toBe('/api/event-streaming/files/12');
    expect(paths.notify()).toBe('/api/event-streaming/notify');
    expect(paths.schema()).toBe('/api/event-streaming/schema');
    expect(paths.push()).toBe('/api/event-streaming/push');
    expect(paths.pushFile('7?x')).toBe('/api/event-streaming/push/files/7%3Fx');
    expect(paths.health()).toBe('/api/event-streaming/health');
    expect(paths.metrics()).toBe('/api/event-streaming/metrics');
  });

  it('each fill a route the plugin declares', () => {
    const declared = contentApi.routes.map((r) => new RegExp(`^${API_PREFIX}${r.path.replace(/:[A-Za-z]+/g, '[^/]+')}$`));
    const built = [
      paths.register(),
      paths.updates(),
      paths.listDocuments('u'),
      paths.fetchDocument('u', 'd'),
      paths.fetchFile('f'),
      paths.notify(),
      paths.schema(),
      paths.push(),
      paths.pushFile('f'),
      paths.health(),
      paths.metrics(),
    ];
    for (const p of built) expect(declared.some((re) => re.test(p))).toBe(true);
    expect(Object.values(ROUTES).sort()).toEqual([...new Set(contentApi.routes.map((r) => r.path))].sort());
  });
});
