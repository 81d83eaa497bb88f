import { z } from 'zod';

/**
 * A branch, tag or commit named in a git step's config. It goes onto git's command line, so it
 * may not start with `-` (git would read `--upload-pack=…` as an option) nor hold control
 * characters.
 */
export const gitRefName = z
  .string()
  .min(1)
  .refine(
    (name) => !name.startsWith('-'),
    'must not start with "-" (git would read it as an option)',
  )
  // eslint-disable-next-line no-control-regex
  .refine((name) => !/[\x00-\x20\x7f]/.test(name), 'must not contain spaces or control characters');
