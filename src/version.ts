import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** Gantry's version, from package.json (read once, at first use; src/ and dist/ both sit beside it). */
export function gantryVersion(): string {
  cached ??= (
    JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    }
  ).version;
  return cached;
}
