import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WEBHOOK_PROVIDERS } from '../../api/project-config.js';
import type { WebhookProvider } from './webhook-provider.js';
import { WEBHOOK_PROVIDER_LIST, webhookProvider } from './webhook-providers.js';

/** Provider modules are the files named `<provider>-webhook.ts`. */
const PROVIDER_FILE = /^([a-z]+)-webhook\.ts$/;

function isProvider(value: unknown): value is WebhookProvider {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as WebhookProvider).parse === 'function' &&
    typeof (value as WebhookProvider).verify === 'function'
  );
}

describe('webhook providers', () => {
  it('lists every provider module in the directory exactly once', async () => {
    const dir = new URL('.', import.meta.url);
    const files = readdirSync(dir).filter((file) => PROVIDER_FILE.test(file));
    const exported: WebhookProvider[] = [];
    for (const file of files) {
      const module = (await import(new URL(file, dir).href)) as Record<string, unknown>;
      const providers = Object.values(module).filter(isProvider);
      expect(providers, `${file} exports one provider`).toHaveLength(1);
      const provider = providers[0] as WebhookProvider;
      expect(`${provider.name}-webhook.ts`, 'the file is named after its provider').toBe(file);
      exported.push(provider);
    }
    expect(new Set(WEBHOOK_PROVIDER_LIST)).toEqual(new Set(exported));
    expect(WEBHOOK_PROVIDER_LIST).toHaveLength(exported.length);
  });

  it('names each provider as receivers do, once, with a secret key', () => {
    const names = WEBHOOK_PROVIDER_LIST.map((provider) => provider.name);
    expect(new Set(names).size).toBe(names.length);
    for (const provider of WEBHOOK_PROVIDER_LIST) {
      expect(WEBHOOK_PROVIDERS).toContain(provider.name);
      expect(provider.secretKey).not.toBe('');
    }
  });

  const lookups: Array<{ name: string; want: string | undefined }> = [
    { name: 'github', want: 'github' },
    { name: 'gitlab', want: 'gitlab' },
    { name: 'gitea', want: 'gitea' },
    { name: 'dockerhub', want: 'dockerhub' },
    { name: 'quay', want: 'quay' },
    { name: 'harbor', want: 'harbor' },
    { name: 'generic', want: undefined },
    { name: 'bitbucket', want: undefined },
    { name: 'GitHub', want: undefined },
    { name: '', want: undefined },
  ];
  for (const { name, want } of lookups) {
    it(`looks up "${name}"`, () => {
      expect(webhookProvider(name)?.name).toBe(want);
    });
  }
});
