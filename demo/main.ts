/**
 * The demo page: connects this tab to the shared connection when a login exists, and shows
 * live what the worker and the server see. Open it in several tabs: they share one socket.
 */
import type { DemoTopic } from './api';
import { ApiFailure, api } from './page/api-client';
import { byId } from './page/dom';
import { wireFaults } from './page/faults';
import { LiveSocket } from './page/live-socket';
import { onLoginChange, readLogin, type StoredLogin, writeLogin } from './page/login-store';
import { MessageLog } from './page/message-log';
import { poll } from './page/poll';
import { ServerPanel } from './page/server-panel';
import { SessionCard } from './page/session-card';
import { StatePanel } from './page/state-panel';
import { WorkerPanel } from './page/worker-panel';

const log = new MessageLog();
const statePanel = new StatePanel();
const workerPanel = new WorkerPanel();
const serverPanel = new ServerPanel();
const sessionCard = new SessionCard();
const tabIdView = byId('tab-id');
const toggles = [...document.querySelectorAll<HTMLInputElement>('input[data-topic]')];

const config = await api.config();
const live = new LiveSocket(
  config,
  {
    state(state, detail) {
      statePanel.transition(state, detail);
      if (state === 'backoff') void dropStaleToken();
    },
    push: (topic, data) => log.push(topic, data),
    error: (error) => log.local(`${error.code}: ${error.message}`, 'error'),
  },
  toggles.filter((toggle) => toggle.checked).map((toggle) => toggle.dataset.topic as DemoTopic),
);
let login: StoredLogin | null = null;

/** Makes `next` this tab's login: shows it and swaps the socket handle. */
async function apply(next: StoredLogin | null, why: string): Promise<void> {
  login = next;
  sessionCard.show(next);
  statePanel.mark(why);
  log.local(why);
  await live.use(next);
  if (live.handle) tabIdView.textContent = live.handle.tabId.slice(0, 8);
}

sessionCard.onLogin(async (user) => {
  const reply = await api.login(user);
  // Other tabs hear of it through localStorage and join the same socket.
  writeLogin(reply);
  await apply(reply, `Logged in as ${reply.user}`);
});

sessionCard.onLogout(async () => {
  const token = login?.token;
  await live.logout();
  writeLogin(null);
  await apply(null, 'Logged out: the socket is closed for every tab');
  if (token) await api.logout(token).catch(() => {});
});

onLoginChange((next) =>
  apply(next, next ? `Another tab logged in as ${next.user}` : 'Another tab logged out'),
);

/**
 * A socket that keeps failing may hold a token the server no longer knows (the demo server
 * was restarted as a process): then log out instead of retrying forever.
 */
let lastTokenCheck = 0;
async function dropStaleToken(): Promise<void> {
  const token = login?.token;
  if (!token || Date.now() - lastTokenCheck < 5000) return;
  lastTokenCheck = Date.now();
  try {
    await api.session(token);
  } catch (error) {
    if (!(error instanceof ApiFailure && error.status === 401) || login?.token !== token) return;
    await live.logout();
    // Another tab may have found out first and logged everyone out already.
    if (login?.token !== token) return;
    writeLogin(null);
    await apply(null, 'The server no longer knows this login: logged out');
  }
}

for (const toggle of toggles) {
  toggle.addEventListener('change', () =>
    live.setTopic(toggle.dataset.topic as DemoTopic, toggle.checked),
  );
}

byId<HTMLFormElement>('chat-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = byId<HTMLInputElement>('chat-text');
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  try {
    await live.send(text);
  } catch (error) {
    log.local(`Not sent: ${error instanceof Error ? error.message : String(error)}`, 'error');
  }
});

wireFaults(log);

poll(1000, async () => {
  const handle = live.handle;
  workerPanel.show(handle ? await handle.inspect() : undefined, handle?.tabId);
});

poll(1000, async () => {
  try {
    serverPanel.show(await api.stats());
  } catch {
    serverPanel.unreachable();
  }
});

// A login kept from an earlier visit, or made in another tab: join it, if it still works.
let stored = readLogin();
if (stored) {
  try {
    await api.session(stored.token);
  } catch (error) {
    // Only a clear "unknown token" forgets it; a server that is down may come back.
    if (error instanceof ApiFailure && error.status === 401) {
      writeLogin(null);
      stored = null;
    }
  }
}
await apply(stored, stored ? `Joined the login of ${stored.user}` : 'Not logged in');
