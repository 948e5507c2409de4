/**
 * The login every tab of this origin shares, in localStorage: a tab opened later joins the
 * same user, and a login or logout in one tab reaches the others by the `storage` event.
 */
export interface StoredLogin {
  token: string;
  user: string;
}

const KEY = 'tabsocket-demo:login';

export function readLogin(): StoredLogin | null {
  return parse(localStorage.getItem(KEY));
}

/** Stores (or, with null, forgets) the login. Other tabs hear of it; this one does not. */
export function writeLogin(login: StoredLogin | null): void {
  if (login) localStorage.setItem(KEY, JSON.stringify(login));
  else localStorage.removeItem(KEY);
}

/** Calls `listener` when another tab logs in, switches user or logs out. */
export function onLoginChange(listener: (login: StoredLogin | null) => void): void {
  addEventListener('storage', (event) => {
    // key null: the whole storage was cleared.
    if (event.key === KEY || event.key === null) listener(parse(event.newValue));
  });
}

/** Anything else in the slot (an older format, a hand edit) counts as logged out. */
function parse(text: string | null): StoredLogin | null {
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return null;
    const { token, user } = value as Record<string, unknown>;
    return typeof token === 'string' && typeof user === 'string' ? { token, user } : null;
  } catch {
    return null;
  }
}
