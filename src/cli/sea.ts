/**
 * The entry of the single executable (Node's single executable applications): bundled as
 * CommonJS by scripts/build-sea.mjs, which has no top-level await. In a single executable,
 * process.argv[1] is the executable again, as a script path would be.
 */
import { main } from './entry.js';

void main(process.argv.slice(2));
