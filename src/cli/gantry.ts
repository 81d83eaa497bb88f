/** The process entry point of the `gantry` command (bin/gantry.js loads the compiled copy). */
import { main } from './main.js';

await main();
