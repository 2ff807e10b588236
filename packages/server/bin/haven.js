#!/usr/bin/env node
// The `haven` command. `npm install` builds dist/ (the root `prepare` script).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv);
