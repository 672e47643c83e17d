#!/usr/bin/env node
import { main } from './main.js';
import { registered } from './commands/index.js';

void registered;

/**
 * Process edge: signals, stdout, exit code. First Ctrl-C (or SIGTERM) interrupts running queries and
 * rolls back what was in flight; a second exits at once.
 */
let interrupts = 0;
const ctxHolder: { interrupt?: () => void } = {};
const onSignal = () => {
  interrupts++;
  if (interrupts > 1) process.exit(130);
  try {
    ctxHolder.interrupt?.();
  } catch {
    process.exit(130);
  }
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const code = await main(process.argv.slice(2), {
  out: (l) => process.stdout.write(l + '\n'),
  err: (l) => process.stderr.write(l + '\n'),
  isTTY: !!process.stdout.isTTY,
}, ctxHolder);
process.exitCode = code;
