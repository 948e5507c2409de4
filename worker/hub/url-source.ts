import { releaseProxy } from 'comlink';
import { type Clock, Timer } from '../../protocol/clock';
import {
  type ResolvedConnectionOptions,
  URL_PROVIDED,
  webSocketUrl,
} from '../../protocol/connection-options';
import { UrlProviderError } from '../../protocol/errors';
import type { TabUrlProvider } from '../../protocol/tab-hub';
import type { Environment } from '../platform';

/** One ask for a url: which tab answers it, and how it ends early when that tab leaves. */
interface Ask {
  tabId: string;
  tabLeft: () => void;
}

/**
 * The url functions the tabs of one connection gave, and the asking of one before a connect
 * attempt. The oldest tab that gave one is asked; when it leaves during the ask, the next
 * one is asked at once. A function that throws, gives a bad url or does not answer in
 * time fails the attempt with `UrlProviderError`; one that timed out goes to the back
 * of the line, so that a frozen tab does not fail every attempt after it.
 */
export class UrlSource {
  /** Tab id → its function, oldest first. */
  readonly #providers = new Map<string, TabUrlProvider>();
  readonly #asks = new Set<Ask>();

  constructor(
    private readonly name: string,
    private readonly clock: Clock,
  ) {}

  get size(): number {
    return this.#providers.size;
  }

  /** `tabId` gave a function (again: its newest one replaces the one before, which is let go). */
  add(tabId: string, provider: TabUrlProvider): void {
    const previous = this.#providers.get(tabId);
    if (previous !== provider) release(previous);
    this.#providers.set(tabId, provider);
  }

  /** `tabId` left the connection: its function is let go, and an ask waiting on it moves on. */
  remove(tabId: string): void {
    release(this.#providers.get(tabId));
    this.#providers.delete(tabId);
    for (const ask of this.#asks) if (ask.tabId === tabId) ask.tabLeft();
  }

  /**
   * The url for the next attempt, within `timeout` ms; rejects with `UrlProviderError`, at
   * once when `abandoned` aborts (a logout or a given-up attempt leaves no deadline behind).
   */
  fetch(timeout: number, abandoned?: AbortSignal): Promise<string> {
    return new Promise((resolve, reject) => {
      const deadline = new Timer(this.clock);
      const asked = new Set<string>();
      let ask: Ask | undefined;
      const settle = (outcome: () => void) => {
        deadline.clear();
        if (ask) this.#asks.delete(ask);
        ask = undefined;
        outcome();
      };
      const askNext = () => {
        if (ask) this.#asks.delete(ask);
        const tabId = [...this.#providers.keys()].find((id) => !asked.has(id));
        const provider = tabId === undefined ? undefined : this.#providers.get(tabId);
        if (tabId === undefined || provider === undefined) {
          const problem =
            asked.size === 0
              ? `no tab on "${this.name}" gave a url function`
              : `every tab asked for a url for "${this.name}" left`;
          settle(() => reject(this.#error(problem)));
          return;
        }
        asked.add(tabId);
        const current: Ask = { tabId, tabLeft: askNext };
        ask = current;
        this.#asks.add(current);
        provider().then(
          (url) => {
            if (ask === current) settle(() => this.#check(url, resolve, reject));
          },
          (cause: unknown) => {
            if (ask !== current) return;
            settle(() => reject(this.#failed(`threw: ${messageOf(cause)}`, cause)));
          },
        );
      };
      deadline.start(timeout, () => {
        const late = ask?.tabId;
        // To the back of the line: the next attempt asks another tab first.
        const provider = late === undefined ? undefined : this.#providers.get(late);
        if (late !== undefined && provider) {
          this.#providers.delete(late);
          this.#providers.set(late, provider);
        }
        settle(() => reject(this.#failed(`did not answer within ${timeout} ms`)));
      });
      abandoned?.addEventListener('abort', () =>
        settle(() => reject(this.#failed('was not waited for: the attempt was given up'))),
      );
      askNext();
    });
  }

  #check(url: unknown, resolve: (url: string) => void, reject: (error: Error) => void): void {
    try {
      resolve(webSocketUrl(url, 'url', undefined));
    } catch (cause) {
      reject(this.#failed(`gave a url that cannot be used: ${messageOf(cause)}`, cause));
    }
  }

  #failed(problem: string, cause?: unknown): UrlProviderError {
    return this.#error(`the url function of "${this.name}" ${problem}`, cause);
  }

  #error(problem: string, cause?: unknown): UrlProviderError {
    return new UrlProviderError(
      `tabsocket: ${problem}`,
      cause === undefined ? undefined : { cause },
    );
  }
}

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/** Closes the port of a function that came across comlink; a plain function (tests) has none. */
function release(provider: TabUrlProvider | undefined): void {
  (provider as Partial<Record<typeof releaseProxy, () => void>> | undefined)?.[releaseProxy]?.();
}

/** The `UrlSource` of each connection name, for the hub: one exists while some tab gave a function. */
export class UrlSources {
  readonly #byName = new Map<string, UrlSource>();

  constructor(private readonly clock: Clock) {}

  /** What `tabId` opened `name` with: a url function, or none (a fixed url, or a tab of another build). */
  set(name: string, tabId: string, provider: unknown): void {
    if (typeof provider !== 'function') {
      this.remove(tabId, name);
      return;
    }
    const source = this.#byName.get(name) ?? new UrlSource(name, this.clock);
    this.#byName.set(name, source);
    source.add(tabId, provider as TabUrlProvider);
  }

  /** `tabId` left `name`, or every connection. */
  remove(tabId: string, name?: string): void {
    for (const [key, source] of this.#byName) {
      if (name !== undefined && key !== name) continue;
      source.remove(tabId);
      if (source.size === 0) this.#byName.delete(key);
    }
  }

  /** What a connection's environment gains: with a url function, where its urls come from. */
  environmentOf(options: ResolvedConnectionOptions): Pick<Environment, 'freshUrl'> {
    if (options.url !== URL_PROVIDED) return {};
    const { name, connectTimeout } = options;
    return {
      freshUrl: (abandoned) =>
        (this.#byName.get(name) ?? new UrlSource(name, this.clock)).fetch(
          connectTimeout,
          abandoned,
        ),
    };
  }
}
