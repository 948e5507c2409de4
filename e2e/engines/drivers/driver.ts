/**
 * What a scenario needs of a browser engine, and nothing more: every engine is driven by a
 * different protocol (CDP, WebDriver BiDi, classic WebDriver), and the scenarios see only this.
 */

export type EngineName = 'chromium' | 'firefox' | 'webkit';

/** One tab. */
export interface Tab {
  /**
   * Runs `fn(arg)` in the page and answers its awaited result. `fn` travels as source text:
   * it may use only its argument and the page's globals, and both `arg` and the result must
   * survive JSON.
   */
  evaluate<R, A = undefined>(fn: (arg: A) => R, arg?: A): Promise<Awaited<R>>;
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  close(): Promise<void>;
  /**
   * Kills the tab's renderer, as a crash does: no pagehide, no unload. Present only where
   * the engine can be made to crash a tab under automation.
   */
  crash?(): Promise<void>;
}

/**
 * Tabs of one fresh profile: they share SharedWorkers and Web Locks per origin, and nothing
 * with the tabs of another session.
 */
export interface BrowserSession {
  openTab(url: string): Promise<Tab>;
  /** Closes every tab the session opened. */
  close(): Promise<void>;
}

/** A running engine. */
export interface EngineDriver {
  readonly engine: EngineName;
  /** The browser's own version string. */
  readonly version: string;
  newSession(): Promise<BrowserSession>;
  /** Stops the browser and every process started for it. */
  close(): Promise<void>;
}
