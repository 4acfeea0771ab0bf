/** A yes/no question on the terminal; the prompt goes to stderr so that stdout stays the command's output. */
import { createInterface } from 'node:readline/promises';

export async function askOnTerminal(question: string): Promise<boolean> {
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await terminal.question(`${question} Type yes to go on: `);
    return answer.trim().toLowerCase() === 'yes';
  } finally {
    terminal.close();
  }
}
