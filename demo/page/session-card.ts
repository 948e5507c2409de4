import { byId } from './dom';
import type { StoredLogin } from './login-store';

/** The login form, the logout button and who this tab is logged in as. */
export class SessionCard {
  readonly #form = byId<HTMLFormElement>('login-form');
  readonly #user = byId<HTMLInputElement>('login-user');
  readonly #submit = byId<HTMLButtonElement>('login-button');
  readonly #logout = byId<HTMLButtonElement>('logout-button');
  readonly #status = byId('session-status');
  readonly #problem = byId('session-problem');
  readonly #chip = byId('user-chip');
  readonly #chatInputs = [
    byId<HTMLInputElement>('chat-text'),
    byId<HTMLButtonElement>('chat-send'),
  ];

  onLogin(handler: (user: string) => Promise<void>): void {
    this.#form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#busyWhile(() => handler(this.#user.value));
    });
  }

  onLogout(handler: () => Promise<void>): void {
    this.#logout.addEventListener('click', () => void this.#busyWhile(handler));
  }

  show(login: StoredLogin | null): void {
    this.#status.replaceChildren();
    if (login) {
      const name = document.createElement('strong');
      name.textContent = login.user;
      this.#status.append('Logged in as ', name, ` · token ${login.token.slice(0, 6)}…`);
    } else {
      this.#status.textContent =
        'Not logged in. Pick any name: every tab of this browser joins it.';
    }
    this.#chip.textContent = login ? login.user : '';
    this.#chip.hidden = !login;
    this.#logout.hidden = !login;
    this.#submit.textContent = login ? 'Switch user' : 'Log in';
    if (login) this.#user.value = '';
    for (const input of this.#chatInputs) input.disabled = !login;
  }

  problem(text: string): void {
    this.#problem.textContent = text;
    this.#problem.hidden = text === '';
  }

  async #busyWhile(action: () => Promise<void>): Promise<void> {
    this.problem('');
    this.#submit.disabled = true;
    this.#logout.disabled = true;
    try {
      await action();
    } catch (error) {
      this.problem(error instanceof Error ? error.message : String(error));
    } finally {
      this.#submit.disabled = false;
      this.#logout.disabled = false;
    }
  }
}
