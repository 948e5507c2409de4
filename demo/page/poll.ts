/**
 * Runs `task` now and then `intervalMs` after each run ends, so a slow answer never stacks
 * calls. Answers the function that stops the loop.
 */
export function poll(intervalMs: number, task: () => Promise<void>): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const run = () => {
    void task()
      .catch((error: unknown) => console.warn('demo: poll failed', error))
      .finally(() => {
        if (!stopped) timer = setTimeout(run, intervalMs);
      });
  };
  run();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
