/**
 * The secret values this process holds (broker keys, tokens), registered when they are loaded, so
 * that any text leaving the process (a log line, an error body, an API response) can be scrubbed
 * of them whatever field or message they hide in. Redaction by key name catches the usual
 * places; this catches the rest, such as a key echoed inside an error message.
 */
export const REDACTED = '[REDACTED]';

/** Too short a value would scrub ordinary words; real keys are 20+ characters. */
const MIN_SECRET_LENGTH = 8;

export class SecretRegistry {
  readonly #secrets = new Set<string>();

  register(value: string | undefined): void {
    if (value !== undefined && value.length >= MIN_SECRET_LENGTH) this.#secrets.add(value);
  }

  get size(): number {
    return this.#secrets.size;
  }

  scrub(text: string): string {
    let result = text;
    for (const secret of this.#secrets) {
      if (result.includes(secret)) result = result.replaceAll(secret, REDACTED);
    }
    return result;
  }
}

/** The process-wide registry; credential loaders register into it. */
export const processSecrets = new SecretRegistry();
