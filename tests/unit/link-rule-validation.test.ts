/**
 * Issue 15 (4): the Event Producer's link rule as the server (and the admin form, which validates
 * with the same schema) accepts it.
 */
import { VALIDATE_OPTIONS } from '../../server/src/shared/validation/check';
import { createProducerSchema, updateProducerSchema } from '../../server/src/shared/validation/producers';

const body = { producerUrl: 'https://hq.example.com', apiToken: 'token-0123456789', subscriptions: [{ contentType: 'api::a.a' }] };
const check = (linkRule: unknown) => createProducerSchema.validate({ ...body, linkRule }, VALIDATE_OPTIONS);

describe('Event Producer: link rule', () => {
  it('accepts null, omitted, an URL prefix to an URL or a path', async () => {
    await expect(check(null)).resolves.toBeTruthy();
    await expect(updateProducerSchema.validate({ producerUrl: body.producerUrl, subscriptions: body.subscriptions })).resolves.toBeTruthy();
    await expect(check({ from: 'https://hq.example.com/blog', to: 'https://branch.example.com/news' })).resolves.toBeTruthy();
    await expect(check({ from: 'http://hq.example.com', to: '/' })).resolves.toBeTruthy();
  });

  it('refuses other schemes, protocol-relative targets, missing parts and unknown keys, with a message naming the field', async () => {
    await expect(check({ from: 'javascript:alert(1)', to: '/' })).rejects.toThrow(/linkRule.from must be an http\(s\) URL/);
    await expect(check({ from: 'https://a.example', to: '//evil.example' })).rejects.toThrow(/linkRule.to must be/);
    await expect(check({ from: 'https://a.example', to: 'javascript:x' })).rejects.toThrow(/linkRule.to must be/);
    await expect(check({ from: 'https://a.example' })).rejects.toThrow(/linkRule.to must be/);
    await expect(check({ from: 'https://a.example', to: '/', x: 1 })).rejects.toThrow(/unknown field/);
    await expect(check('https://a.example')).rejects.toThrow(/linkRule must be an object/);
    await expect(check({ from: `https://a.example/${'x'.repeat(3000)}`, to: '/' })).rejects.toThrow(/linkRule.from/);
  });
});
