/**
 * Push mode (README "Push mode") in tests: a link whose producer the consumer cannot call, a
 * relay standing for the producer's uplink (it can go down, or lose one answer), and an address
 * that counts every connection made to it (the consumer's "producer URL").
 */
import http from 'node:http';
import net from 'node:net';
import { expectStatus, type Site } from './sites';
import type { SubscriptionInput } from './streaming';

/** A TCP address that accepts and drops every connection, counting them: no request may reach it. */
export async function blackHole(): Promise<{ url: string; connections: () => number; close(): Promise<void> }> {
  let count = 0;
  const server = net.createServer((socket) => {
    count += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export type RelayMode = 'up' | 'down' | 'lose-next-answer';

/**
 * Forwards to `target` (the consumer). `down`: every connection is cut (the producer is offline).
 * `lose-next-answer`: the next push with a page reaches the consumer, but its answer is cut (a
 * timeout after the consumer applied); then `up` again. Records every push body it forwarded.
 */
export async function relay(target: string) {
  const state = { mode: 'up' as RelayMode, pushes: [] as string[], lost: 0 };
  const server = http.createServer((req, res) => {
    if (state.mode === 'down') {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const isPage = req.url === '/api/event-streaming/push' && body.includes('"page"');
      if (req.url === '/api/event-streaming/push') state.pushes.push(body.toString());
      const up = http.request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
        const out: Buffer[] = [];
        answer.on('data', (c: Buffer) => out.push(c));
        answer.on('end', () => {
          if (state.mode === 'lose-next-answer' && isPage) {
            state.mode = 'up';
            state.lost += 1;
            req.socket.destroy();
            return;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(Buffer.concat(out));
        });
      });
      up.on('error', () => req.socket.destroy());
      up.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface PushLink {
  producer: Site;
  consumer: Site;
  /** Event Producer id on the consumer (push mode). */
  producerId: number;
  /** Event Consumer id on the producer (push mode). */
  consumerId: number;
  pushToken: string;
}

/**
 * The push-mode handshake as the two admins do it: the consumer's admin creates a push-mode Event
 * Producer (nothing is called; a push token is minted and shown once), the producer's admin
 * connects the consumer with its URL and that token (the producer calls the consumer).
 */
export async function linkPush(
  producer: Site,
  consumer: Site,
  subscriptions: SubscriptionInput[],
  opts: { producerUrl: string; consumerUrl: string }
): Promise<PushLink> {
  const created = expectStatus(
    await consumer.admin('POST', '/event-streaming/producers', { producerUrl: opts.producerUrl, mode: 'push', subscriptions }),
    'create push-mode Event Producer',
    201
  ).body.data;
  const connected = expectStatus(
    await producer.admin('POST', '/event-streaming/consumers/push', { consumerUrl: opts.consumerUrl, token: created.pushToken }),
    'connect push-mode consumer',
    201
  ).body.data;
  return { producer, consumer, producerId: created.id, consumerId: connected.id, pushToken: created.pushToken };
}

/** The producer pushes to the consumer now (admin "Push now"); the raw answer. */
export const pushNow = (l: PushLink) => l.producer.admin('POST', `/event-streaming/consumers/${l.consumerId}/push`);
