import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * The web UI: built into dist/ui, which `gantry server` serves at `/`. `npx vite --config
 * ui/vite.config.ts` serves it with hot reload, sending API calls to a server on :8080.
 */
export default defineConfig({
  root: here,
  plugins: [react()],
  build: { outDir: `${here}../dist/ui`, emptyOutDir: true, sourcemap: true },
  server: { proxy: { '/v1': 'http://127.0.0.1:8080' } },
});
