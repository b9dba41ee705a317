/**
 * Issue 16 (5): the email alert channel for real. The consumer site sends its alerts through
 * Strapi's email plugin with @strapi/provider-email-nodemailer, to an SMTP server (smtp-server)
 * this test runs on loopback. Its producer stops: ONE alert email; it comes back: ONE recovery
 * email. (tests/integration/monitoring.test.ts covers the webhook channel and the rules.)
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { expectStatus, startSites, stopAll, type Site } from '../helpers/sites';
import { eventually, link, setStatus, type Link } from '../helpers/streaming';
import { CUSTOMER } from '../helpers/uids';

interface Mail {
  from: string;
  to: string[];
  raw: string;
}

let P: Site;
let C: Site;
let l: Link;
let smtp: SMTPServer;
const mails: Mail[] = [];
const TO = 'ops@branch.test';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const subjectOf = (m: Mail) => /^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(m.raw)?.[1].replace(/\r\n[ \t]/g, ' ') ?? '';

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  const port = (smtp.server.address() as AddressInfo).port;
  const tick = { EVENT_STREAMING_PULL_CRON: '*/2 * * * * *', EVENT_STREAMING_LEASE_MS: '3000' };
  [P, C] = await startSites([
    { name: 'mail-producer', env: tick },
    {
      name: 'mail-consumer',
      env: {
        ...tick,
        SMTP_PORT: String(port),
        SMTP_FROM: 'streaming@branch.test',
        EVENT_STREAMING_ALERTS: JSON.stringify({ forMinutes: 0, email: { to: TO } }),
      },
    },
  ]);
  l = await link(P, C, [{ contentType: CUSTOMER, useSameName: true }]);
  await setStatus(l, { [CUSTOMER]: 'Approved' });
  expectStatus(await P.api('POST', '/customers', { data: { name: 'mail-0' } }), 'create');
}, 300_000);

afterAll(async () => {
  await stopAll();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

test('a failing stream sends one alert email through the nodemailer provider, and one recovery email', async () => {
  await eventually(async () => (await C.api('GET', '/customers?filters[name][$eq]=mail-0')).body.data?.length === 1, 'streaming works');
  await sleep(3_000);
  expect(mails).toEqual([]); // healthy: nothing sent

  await P.stop();
  await eventually(async () => mails.length > 0, 'the alert email', 60_000);
  await sleep(6_000); // three more ticks, still failing: no second email
  expect(mails).toHaveLength(1);
  const [alert] = mails;
  expect(alert.to).toEqual([TO]);
  expect(alert.from).toBe('streaming@branch.test');
  expect(subjectOf(alert)).toMatch(new RegExp(`event streaming: Event Producer ${P.url.replace(/[.]/g, '\\.')} is failing`));
  expect(alert.raw).toMatch(/Down since: \d{4}-\d\d-\d\dT/);

  await P.restart();
  await eventually(async () => mails.length === 2, 'the recovery email', 60_000);
  await sleep(6_000);
  expect(mails).toHaveLength(2);
  expect(subjectOf(mails[1])).toMatch(/event streaming: Event Producer .* recovered$/);
  expect(mails[1].to).toEqual([TO]);
}, 240_000);
