import { readFileSync } from 'node:fs';

/** Gantry's version, from package.json (read once, at first use). */
let cached: string | undefined;
export function gantryVersion(): string {
  if (cached === undefined) {
    const url = new URL('../package.json', import.meta.url);
    const fallback = new URL('../../package.json', import.meta.url);
    let text: string;
    try {
      text = readFileSync(url, 'utf8');
    } catch {
      text = readFileSync(fallback, 'utf8');
    }
    cached = (JSON.parse(text) as { version: string }).version;
  }
  return cached;
}
