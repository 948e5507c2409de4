/**
 * Review 8 of the relay rule of review 7 (`SharedConnection.#endsThisLogin`): an owner's
 * logout word ended a relaying hub's login when it came from the owner it follows, "or any,
 * where this hub heard none". A hub that heard no owner yet may be a new login that has not
 * been answered: the word it hears is then of the login before, which its join never
 * reached. Now a word ends a login only from the owner it followed (or took over from), or
 * when it names a session the login was on.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RelayMessage } from '../../protocol/relay';
import { handshake } from '../test-support/connection-harness';
import { hubWorld, relayOptions } from '../test-support/hub-world';

let world = hubWorld();
afterEach(() => {
  world.dispose();
  world = hubWorld();
});

/**
 * a owns the socket, b relays; b's tab logs out, and a reads b's `close` only after the
 * tab of a third hub c connected (a's worker is busy: both wait in its queue, in the order
 * they were posted). `order`: whether c hears a's word before a reads c's join, or both
 * at once (c then takes the lock a lets go before the word reaches it). `url`: the one c's
 * tab connects to.
 */
async function loginDuringRelayedLogout(
  name: string,
  order: 'word first' | 'together',
  url?: string,
) {
  const a = world.startHub('build-a');
  const b = world.startHub('build-b');
  const tabA = await world.attachTab(a.hub, 'tab-a');
  const tabB = await world.attachTab(b.hub, 'tab-b');
  await tabA.api.open('tab-a', relayOptions(name));
  handshake(world.latest());
  await tabB.api.open('tab-b', relayOptions(name));
  await vi.waitFor(() => expect(tabB.states().at(-1)).toMatch(/^open:/));
  const held: RelayMessage[] = [];
  world.hooks.relayReceived = (build, message) => {
    if (build !== 'build-a' || (message.kind !== 'close' && message.kind !== 'join')) {
      return undefined;
    }
    held.push(message);
    return 'lost';
  };
  void tabB.api.close('tab-b', name, 1000, '');
  await vi.waitFor(() => expect(held).toHaveLength(1));
  // After the logout was asked: a new login, in a hub that never followed a.
  const c = world.startHub('build-c');
  const tabC = await world.attachTab(c.hub, 'tab-c');
  await tabC.api.open('tab-c', { ...relayOptions(name), ...(url ? { url } : {}) });
  await vi.waitFor(() => expect(held).toHaveLength(2));
  // Each held message reaches a alone, once, in the order it was posted.
  delete world.hooks.relayReceived;
  const toA = (messages: RelayMessage[]) => world.deliver(name, messages, 'build-a');
  if (order === 'together') toA(held);
  else {
    // a's word reaches c before a reads c's join (and lets the lock go): a posts it as it
    // closes, before its tab hears of it.
    toA(held.slice(0, 1));
    await vi.waitFor(() => expect(tabA.states().at(-1)).toBe('closed:logout'));
    toA(held.slice(1));
  }
  return { tabC };
}

/** c took the socket a let go, opened it, and was never closed (the word came long before). */
async function wentOn(tabC: { states(): string[] }) {
  await vi.waitFor(() => expect(world.sockets).toHaveLength(2));
  handshake(world.latest());
  await vi.waitFor(() => expect(tabC.states().at(-1)).toBe('open:open'));
  expect(tabC.states().filter((state) => state.startsWith('closed'))).toEqual([]);
}

describe('a logout word heard by a new login that no owner answered yet', () => {
  // Invariant: a login that began after the logout must not be closed by it
  // (sim/README.md "Invariants"); docs/api.md close(): only "a handle that joined a login
  // another page was logging out closed with it". Severity: medium (a user's fresh
  // connect() in another page ends closed:logout, with no reconnect, when it falls within
  // the owner's latency after another page's logout). What I saw: c's join never reached
  // a before the logout; c heard no owner, so `#endsThisLogin(word, undefined, [undefined])`
  // is `(undefined ?? from) === from`: true, and c's tabs close. NEW: at 91f284c a relay
  // passed the word to `RelayPeer.receive`, which ignores an owner it does not follow, and
  // c went on to take the lock a let go and open a socket of its own.
  it('goes on, and takes the socket the logged-out owner lets go', async () => {
    const { tabC } = await loginDuringRelayedLogout('word-unknown-owner', 'word first');
    await wentOn(tabC);
  });

  // As above, with c's tab logging in to another url (another user, say): the word of the
  // old url's owner closes it all the same (`#endsThisLogin` looks at no url). NEW.
  it('a login to another url goes on too', async () => {
    const { tabC } = await loginDuringRelayedLogout(
      'word-unknown-owner-url',
      'word first',
      'ws://127.0.0.1:9/other',
    );
    await wentOn(tabC);
  });

  // The same, where the lock a lets go reaches c before a's word does (in Node, as in a
  // browser, a lock grant may pass a channel message): c owns the socket when the word comes,
  // with no predecessor, and `(predecessor ?? from) === from` closes it. PRE-EXISTING (the
  // owner branch did so at 91f284c too; its comment assumes the word "ends the login this
  // hub joined", but c's join reached a only after the logout).
  it('goes on when the lock comes before the word', async () => {
    const { tabC } = await loginDuringRelayedLogout('word-unknown-owner-lock-first', 'together');
    await wentOn(tabC);
  });
});
