#!/usr/bin/env node
// Entry for `npx smpcheck`: the CLI runs from TypeScript source, so register tsx first.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
