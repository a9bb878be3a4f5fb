#!/usr/bin/env node
import { run } from './run.js';

// `apisec audit … --json | head`: the reader went away. Stop quietly, as Unix tools do, instead of
// crashing with an unhandled EPIPE (or printing an error to a terminal that asked for nothing more).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw error;
  });
}

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
});
