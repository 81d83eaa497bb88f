import { describe, expect, it } from 'vitest';
import { redactSecret, secretSchema } from './secret.js';

const secret = (fields: Record<string, unknown>) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'creds', namespace: 'demo' },
  ...fields,
});

describe('Secrets', () => {
  it('folds stringData into base64 data, and shows keys without values', () => {
    const parsed = secretSchema.parse(secret({ stringData: { password: 'hunter22' } }));
    expect(parsed.data).toEqual({ password: Buffer.from('hunter22').toString('base64') });
    expect(redactSecret(parsed).data).toEqual({ password: '***' });
  });

  it.each([
    [{ data: { password: '***' } }, 'data.password'],
    [{ data: { password: Buffer.from('***').toString('base64') } }, 'data.password'],
    [{ stringData: { token: '***' } }, 'stringData.token'],
  ])('refuses the mask read back from the API as a value (%j)', (fields, path) => {
    const result = secretSchema.safeParse(secret(fields));
    expect(result.success).toBe(false);
    const issue = result.error?.issues.find((i) => i.path.join('.') === path);
    expect(issue?.message ?? JSON.stringify(result.error?.issues)).toMatch(
      /^(holds "\*\*\*", the mask the API shows instead of a value|must be base64)/,
    );
  });
});
