import { BmpError } from '../errors.js';

/**
 * An LLM provider failed past its retries (or was misused). It fails the node that needed the
 * response (exit 1); responses already fetched stay cached.
 */
export class LlmError extends BmpError {
  protected override get kind(): string {
    return 'LLM Error';
  }
}

/** Whether a failed attempt is worth repeating (5xx, 429, timeouts, dropped connections, bad JSON). */
export class AttemptError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}
