#!/usr/bin/env node
// The installed entry point. The code is TypeScript run through tsx, so a fresh clone needs no
// build step between `npm ci` and `npm start`.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
