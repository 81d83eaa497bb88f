/**
 * Vitest setup, run in every worker before its test file: the tests see none of the Gantry
 * settings of whoever runs them. A GANTRY_SERVER, GANTRY_TOKEN, GANTRY_PROJECT, GANTRY_STORE or
 * GANTRY_ARGOCD_URL in the user's shell would otherwise reach the code under test (defaults
 * read `process.env`) and every `gantry` process a test spawns (test/gantry-process.ts passes
 * the environment on). The CLI config points at a file that does not exist, so a `gantry
 * login` of the user's is never read or overwritten.
 */
for (const name of Object.keys(process.env))
  if (name.startsWith('GANTRY_')) delete process.env[name];
process.env.GANTRY_CONFIG = '/nonexistent/gantry-test-config';
