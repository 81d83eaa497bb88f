/**
 * Runs `task` when triggered, never twice at once: triggers that arrive while it runs ask for
 * one more run after it, however many they are. For reloading something on every watch event
 * without a request per event.
 */
export function coalesce(task: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  const run = (): void => {
    running = true;
    again = false;
    void task()
      .catch(() => undefined) // the task reports its own failures
      .finally(() => {
        running = false;
        if (again) run();
      });
  };
  return () => {
    if (running) again = true;
    else run();
  };
}
