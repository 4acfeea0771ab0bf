#!/usr/bin/env node
/** npm run ctl -- COMMAND … (or trading-ctl): the operator's command line; see docs/cli.md. */
import { askOnTerminal } from '../cli/confirm.ts';
import { runCtl } from '../cli/ctl.ts';

process.exitCode = await runCtl(process.argv.slice(2), {
  stdout: (text) => console.log(text),
  stderr: (text) => console.error(text),
  env: process.env,
  // Only a person at a terminal can confirm; a script says --yes.
  confirm: process.stdin.isTTY && process.stderr.isTTY ? askOnTerminal : undefined,
});
