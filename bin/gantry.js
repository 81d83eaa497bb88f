#!/usr/bin/env node
// The `gantry` command. The TypeScript sources are compiled into dist/ by `npm install`
// (the package's prepare script); run `npm run build` after changing them.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/gantry.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'error: Gantry is not built yet: run `npm install` (or `npm run build`) in its directory\n',
  );
  process.exit(1);
}
await import(entry.href);
