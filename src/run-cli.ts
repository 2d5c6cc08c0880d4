/**
 * Runs a command-line entry point: what it resolves to is the exit code; a failure prints its message
 * (not a stack: the message names the problem) and exits with 1. The exit code is set, not forced, so
 * pending output and closing stores finish first.
 */
export function runCli(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
