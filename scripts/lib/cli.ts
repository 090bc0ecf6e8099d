/** A mistake in the command line: reported with the usage and exit code 2. */
export class UsageError extends Error {}

/**
 * Runs a command's `main` with its arguments: a UsageError prints `<name>: <message>` and the usage and exits with 2,
 * anything else prints the error and exits with 1.
 */
export function runCli(name: string, usage: string, main: (argv: readonly string[]) => Promise<void>): void {
  main(process.argv.slice(2)).catch((error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`${name}: ${error.message}`);
      console.error(usage);
      process.exitCode = 2;
      return;
    }
    console.error(error);
    process.exitCode = 1;
  });
}
