import { expect, vi } from 'vitest';
import { hubLockName, relayChannelName } from '../../protocol/locks';
import type { RelayMessage } from '../../protocol/relay';
import type { FakeLocks } from './fake-locks';
import { relayOptions } from './hub-world';

/**
 * A relaying hub of this release played by hand on `name`'s relay channel, as `peer`: it
 * holds its lifetime lock in `locks` (`die()` lets go), joins, and answers once the owner
 * announced itself. The test posts its messages (`post`) and reads all it hears (`heard`).
 */
export async function handPeer(locks: FakeLocks, name: string, peer: string) {
  let die = () => {};
  await new Promise<void>((held) => {
    void locks.request(hubLockName(peer), {}, () => {
      held();
      return new Promise<void>((release) => {
        die = release;
      });
    });
  });
  const channel = new BroadcastChannel(relayChannelName(name));
  const heard: RelayMessage[] = [];
  channel.onmessage = (event) => heard.push(event.data as RelayMessage);
  const from = { v: 1, from: peer };
  const { url } = relayOptions(name);
  channel.postMessage({ ...from, kind: 'join', build: 'build-b', url, topics: [], ask: 1 });
  await vi.waitFor(() => expect(heard.some((message) => message.kind === 'owner')).toBe(true));
  const owner = heard.find((message) => message.kind === 'owner')?.from as string;
  const post = (body: Record<string, unknown>) => channel.postMessage({ ...from, ...body });
  return { owner, post, heard, channel, die: () => die() };
}
