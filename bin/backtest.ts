/**
 * npm run backtest -- --strategy NAME --symbols A,B --from DATE --to DATE (--seed S | --data FILE | --alpaca) ...
 * A strategy on history through the engine's own risk and execution code (docs/backtest.md).
 */
import { backtestCommand } from '../backtest/cli/backtest-command.ts';

process.exitCode = await backtestCommand(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
