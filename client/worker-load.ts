import { WorkerError } from '../protocol/errors';

/** A started worker as the tab reaches it: the object to watch for errors, and its port. */
export interface WorkerLink {
  worker: AbstractWorker;
  port: MessagePort;
  /** The url of its script, when tabsocket chose it: the message of a failed load names it. */
  script?: string;
}

/**
 * How long a worker whose object fired `error` before it answered `attach` may still take
 * to answer: one whose script runs answers within ms, so well under a second.
 */
export const LOAD_ERROR_GRACE = 1_000;
/** When a first start that has not answered yet starts its SharedWorker once more. */
export const LOAD_RECHECK = 2_000;
/** Where the docs say how to ship the worker script with each bundler. */
const BUNDLER_DOCS = 'docs/bundlers.md, "The worker script did not load"';

/** What a `WorkerLoadWatch` tells its client. */
export interface LoadOutcomes {
  /** The script did not load (or threw as it started): give the worker up with `error`. */
  failed(error: WorkerError): void;
  /** An `error` of a worker that runs: the app's to hear. */
  errored(event: Event): void;
}

/**
 * Watches a worker from its start until it answers `attach`, for a script that does not
 * load: a 404 when the bundler did not ship it, which the browser tells by an `error` on
 * the worker object and nothing else. Without this, the tab would wait out the whole
 * attach timeout. It owns its two timers; `stop()` clears them.
 */
export class WorkerLoadWatch {
  #phase: 'loading' | 'failing' | 'answered' = 'loading';
  /** The `error` that started the grace, told to the app if the worker answers after all. */
  #held: Event | undefined;
  #grace: ReturnType<typeof setTimeout> | undefined;
  #recheck: ReturnType<typeof setTimeout> | undefined;
  readonly #onError = (event: Event) => this.#error(event);

  /** `startAgain`, for a first start: see `#startAgain`. */
  constructor(
    private readonly link: WorkerLink,
    private readonly outcomes: LoadOutcomes,
    startAgain?: () => WorkerLink,
  ) {
    link.worker.addEventListener('error', this.#onError);
    if (startAgain && isSharedWorker(link.worker)) {
      this.#recheck = setTimeout(() => this.#startAgain(startAgain), LOAD_RECHECK);
    }
  }

  /** The worker answered `attach`: it runs, and its later errors are the app's to hear. */
  answered(): void {
    this.stop();
    this.#phase = 'answered';
    // It threw as it started, yet runs: the app hears what it threw.
    if (this.#held) this.outcomes.errored(this.#held);
  }

  /** Clears the timers: the worker answered, or was given up. */
  stop(): void {
    clearTimeout(this.#grace);
    clearTimeout(this.#recheck);
  }

  #error(event: Event): void {
    if (this.#phase !== 'loading') {
      this.outcomes.errored(event);
      return;
    }
    // One whose script runs answers within ms all the same: past the grace it is given
    // up, naming its url, rather than after the full attach timeout.
    this.#phase = 'failing';
    this.#held = event;
    clearTimeout(this.#recheck);
    this.#grace = setTimeout(
      () => this.outcomes.failed(notLoaded(this.link.script)),
      LOAD_ERROR_GRACE,
    );
  }

  /**
   * Chrome hands a tab that starts a SharedWorker while the same script's failed load is
   * still being torn down that failing worker, and tells it nothing: no `error` ever. A
   * first start that has not answered by LOAD_RECHECK starts the worker once more, only
   * to hear whether its script loads; one that is still loading is simply joined again.
   */
  #startAgain(start: () => WorkerLink): void {
    if (this.#phase !== 'loading') return;
    try {
      const again = start();
      again.worker.addEventListener('error', this.#onError);
      again.port.close();
    } catch {
      // The app's worker function threw: the attach timeout still bounds the wait.
    }
  }
}

function isSharedWorker(worker: AbstractWorker): boolean {
  return typeof SharedWorker !== 'undefined' && worker instanceof SharedWorker;
}

/** The error of a worker whose script did not load (or threw as it started), by its url. */
function notLoaded(script: string | undefined): WorkerError {
  const which = script ?? 'of the `worker` option';
  return new WorkerError(
    `tabsocket: the worker script ${which} did not load (or threw as it started), so no call can reach the connection; does your build ship it? See tabsocket's ${BUNDLER_DOCS}`,
  );
}
