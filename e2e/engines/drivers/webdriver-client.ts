/**
 * The few W3C WebDriver commands the WebKit driver needs, over fetch.
 *
 * Why not the `webdriver` package: its 9.x line declares Node `>=20.20.2 <21` on the 20 line
 * (this project supports 20.19), its 10.x line needs Node 22.19, and either brings some 70
 * packages, among them edgedriver and geckodriver, whose install scripts download a driver
 * from the network when an environment variable asks them to. We use nine endpoints of
 * https://www.w3.org/TR/webdriver2/ and nothing of its session management.
 */

/** An error answer of the remote end: `error` is the spec's code, e.g. 'no such window'. */
export class WebDriverError extends Error {
  override readonly name = 'WebDriverError';

  constructor(
    readonly error: string,
    message: string,
    readonly command: string,
  ) {
    super(`${command}: ${error}: ${message}`);
  }
}

interface Answer {
  value: unknown;
}

async function request(base: string, method: string, path: string, body?: unknown) {
  const command = `${method} ${path}`;
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = (await response.json()) as Answer;
  if (!response.ok) {
    const { error, message } = (answer.value ?? {}) as { error?: string; message?: string };
    throw new WebDriverError(error ?? String(response.status), message ?? '', command);
  }
  return answer.value;
}

/** A remote end (a driver listening on `base`, e.g. http://127.0.0.1:4444). */
export class WebDriverClient {
  constructor(readonly base: string) {}

  /** Whether the remote end can create a session now. */
  async ready(): Promise<boolean> {
    const value = (await request(this.base, 'GET', '/status')) as { ready?: boolean };
    return value.ready === true;
  }

  async newSession(alwaysMatch: Record<string, unknown>): Promise<WebDriverSession> {
    const value = (await request(this.base, 'POST', '/session', {
      capabilities: { alwaysMatch },
    })) as { sessionId: string; capabilities: Record<string, unknown> };
    return new WebDriverSession(this.base, value.sessionId, value.capabilities);
  }
}

/**
 * One session. Classic WebDriver has one current window per session: callers that drive
 * several windows must switch and then act, one command at a time.
 */
export class WebDriverSession {
  readonly #path: string;

  constructor(
    private readonly base: string,
    readonly id: string,
    readonly capabilities: Record<string, unknown>,
  ) {
    this.#path = `/session/${id}`;
  }

  #command(method: string, path: string, body?: unknown): Promise<unknown> {
    return request(this.base, method, `${this.#path}${path}`, body);
  }

  async currentWindow(): Promise<string> {
    return (await this.#command('GET', '/window')) as string;
  }

  /** Opens a tab (not made current) and answers its handle. */
  async newTab(): Promise<string> {
    const value = (await this.#command('POST', '/window/new', { type: 'tab' })) as {
      handle: string;
    };
    return value.handle;
  }

  async switchTo(handle: string): Promise<void> {
    await this.#command('POST', '/window', { handle });
  }

  /** Closes the current window. */
  async closeWindow(): Promise<void> {
    await this.#command('DELETE', '/window');
  }

  /** Navigates the current window and waits for the load (page load strategy 'normal'). */
  async navigate(url: string): Promise<void> {
    await this.#command('POST', '/url', { url });
  }

  async refresh(): Promise<void> {
    await this.#command('POST', '/refresh', {});
  }

  /** Runs `script` as a function body; its last argument is the callback that answers. */
  executeAsync(script: string, args: unknown[]): Promise<unknown> {
    return this.#command('POST', '/execute/async', { script, args });
  }

  async delete(): Promise<void> {
    await this.#command('DELETE', '');
  }
}
