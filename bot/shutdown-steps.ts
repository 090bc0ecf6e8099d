import type { Logger } from '../src/platform/logger';

/**
 * What must be stopped when the application stops, in the reverse of the order it was started: each step is added
 * right after the part it stops was started, so a start that fails half-way stops exactly what was started.
 */
export class ShutdownSteps {
  private readonly steps: Array<() => unknown> = [];

  constructor(private readonly logger: Logger) {}

  /** Adds the step that stops the part just started (a step that returns a promise is awaited). */
  add(step: () => unknown): void {
    this.steps.push(step);
  }

  /** Runs every step, last added first; a failing step is logged and the others still run. Runs each step once. */
  async run(): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      try {
        await step();
      } catch (error) {
        this.logger.error(
          { err: error instanceof Error ? error.message : String(error) },
          'error while stopping',
        );
      }
    }
  }
}
