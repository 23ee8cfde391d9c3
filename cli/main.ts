/**
 * `smpcheck` entry (`cli/bin.js` registers tsx and imports this). The commands live in
 * `commands/*.ts`, one per file, and are registered in `program.ts`.
 */
import { buildProgram, runProgram } from './program.js';

process.exitCode = await runProgram(buildProgram(), process.argv.slice(2));
