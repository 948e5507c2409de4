/** Stops the demo on Ctrl-C or SIGTERM by `close`; a second Ctrl-C means "now". */
export function stopOnSignals(close: () => Promise<unknown>): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    // A second Ctrl-C: do not wait for sockets to close.
    if (stopping) process.exit(130);
    stopping = true;
    console.log(`\n  ${signal}: stopping the demo…`);
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Runs the demo, and says why when it cannot start. */
export function runDemo(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(
      `\n  The demo could not start: ${error instanceof Error ? error.message : error}\n`,
    );
    process.exit(1);
  });
}
