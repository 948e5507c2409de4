import { afterEach, describe, expect, it } from 'vitest';
import { createTabSocketServer } from './server';
import type { FanoutChannel, FanoutMessage, FanoutTarget } from './stores/fanout';
import { Harness, type TestClient, tokenFromQuery, waitUntil } from './test-support/harness';

const harness = new Harness();

afterEach(() => harness.dispose());

/** A fan-out channel that keeps what the server sends, until the test makes it. */
class HeldChannel implements FanoutChannel {
  target: FanoutTarget | undefined;
  readonly sent: FanoutMessage[] = [];

  attach(target: FanoutTarget): void {
    this.target = target;
  }

  send(message: FanoutMessage): Promise<number> {
    this.sent.push(message);
    return Promise.resolve(this.sent.length);
  }

  makeAll(): void {
    for (const message of this.sent) this.target?.make(message);
  }
}

/** The application frames a plain socket got, hello aside. */
function appTexts(client: TestClient): string[] {
  return client.messages.filter((text) => !text.startsWith('{"$ts"'));
}

describe('a server given a fan-out channel', () => {
  it('sends push, broadcast and publish to the channel, and writes each once the channel makes it', async () => {
    const channel = new HeldChannel();
    const { server, url } = await harness.start({
      authenticate: tokenFromQuery,
      fanout: channel,
      topicKey: 'channel',
    });
    const ann = await harness.connect(`${url}/?token=ann`);
    await waitUntil(() => server.stats().openSockets === 1, 'the socket');

    expect(await server.push('ann', { n: 1 })).toBe(1);
    expect(await server.broadcast('all')).toBe(2);
    expect(await server.publish('news', { n: 2 })).toBe(3);
    expect(channel.sent).toEqual([
      { k: 'u', u: 'ann', d: { n: 1 } },
      { k: 'b', d: 'all' },
      { k: 't', t: 'news', d: { n: 2 } },
    ]);
    // Not made here before the channel orders it, as on every other server.
    expect(server.stats().framesOut).toBe(1);

    channel.makeAll();
    await ann.waitForMessage((text) => text === 'all', 'the broadcast');
    // A plain socket subscribes to nothing: the publish is for workers' sessions.
    expect(appTexts(ann)).toEqual(['{"n":1}', 'all']);
    expect(channel.target?.bodyOf({ k: 't', t: 'news', d: { n: 2 } })).toBe(
      '"data":{"channel":"news","n":2}',
    );
  });

  it('refuses, before the channel, a push no server could make', async () => {
    const channel = new HeldChannel();
    const { server } = await harness.start({ fanout: channel });
    expect(() => server.push(7 as unknown as string, 'x')).toThrow(TypeError);
    expect(() => server.publish('news', () => 'a function')).toThrow(TypeError);
    expect(channel.sent).toEqual([]);
  });
});

it('answers a count in one process and a promise with a fan-out, and the types say which', async () => {
  const local = createTabSocketServer({ port: 0, host: '127.0.0.1' });
  const cluster = createTabSocketServer({ port: 0, host: '127.0.0.1', fanout: new HeldChannel() });
  try {
    const written: number = local.push('alice', 'hi');
    // @ts-expect-error with a fan-out the answer comes once the channel ordered the push
    const notYet: number = cluster.publish('prices', 'hi');
    const numbered: Promise<number | undefined> = cluster.broadcast('hi');
    expect(written).toBe(0);
    expect(notYet).toBeInstanceOf(Promise);
    expect(await numbered).toBe(2);
  } finally {
    await Promise.all([local.close(), cluster.close()]);
  }
});
