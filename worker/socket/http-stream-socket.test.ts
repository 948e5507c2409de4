import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../protocol/clock';
import {
  decodeBatch,
  decodePost,
  FRAME_POSTS_PER_SECOND,
  MAX_BATCH_LENGTH,
} from '../../protocol/http-stream';
import {
  type EventSourceLike,
  HttpStreamSocket,
  type StreamEnvironment,
} from './http-stream-socket';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

/** An EventSource the test drives: `emit` is an event from the server, `fail` its error. */
class FakeEventSource implements EventSourceLike {
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  readonly #listeners = new Map<string, ((event: MessageEvent<string>) => void)[]>();

  constructor(readonly url: string) {}

  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.closed = true;
  }

  emit(type: string, data: string): void {
    for (const listener of this.#listeners.get(type) ?? []) {
      listener({ type, data } as MessageEvent<string>);
    }
  }

  fail(): void {
    this.onerror?.({ type: 'error' } as Event);
  }
}

interface Post {
  url: URL;
  body: string;
  signal: AbortSignal;
  answer(status: number): void;
  reject(): void;
}

function setup() {
  const sources: FakeEventSource[] = [];
  const posts: Post[] = [];
  const env: StreamEnvironment = {
    clock: systemClock,
    openEventSource: (url) => {
      const source = new FakeEventSource(url);
      sources.push(source);
      return source;
    },
    post: (url, body, signal) =>
      new Promise((resolve, reject) => {
        posts.push({
          url: new URL(url),
          body,
          signal,
          answer: (status) => resolve({ status }),
          reject: () => reject(new TypeError('Failed to fetch')),
        });
      }),
  };
  const socket = new HttpStreamSocket('wss://example.test/live?token=t', env);
  const events: string[] = [];
  const received: unknown[] = [];
  const closes: Array<{ code: number; reason: string }> = [];
  socket.onopen = () => events.push('open');
  socket.onmessage = (event) => received.push(event.data);
  socket.onclose = (event) => closes.push({ code: event.code, reason: event.reason });
  const source = sources[0] as FakeEventSource;
  const open = () => source.emit('stream', 'stream-id');
  /** The frames of every POST so far. */
  const posted = () => posts.map((post) => decodeBatch(decodePost(post.body)?.batch ?? ''));
  return { socket, source, sources, posts, posted, events, received, closes, open };
}

/** Lets the promise callbacks of answered POSTs run. */
async function settle(): Promise<void> {
  await vi.advanceTimersByTimeAsync(0);
}

describe('HttpStreamSocket', () => {
  it("opens its url's http twin, and opens once the server names the stream", () => {
    const { socket, source, events, open } = setup();
    expect(source.url).toBe('https://example.test/live?token=t');
    expect(socket.readyState).toBe(0);
    expect(() => socket.send('early')).toThrow(/not open/);
    open();
    expect(socket.readyState).toBe(1);
    expect(events).toEqual(['open']);
  });

  it('hands on message frames as they are, and json ones parsed', () => {
    const { received, source, open } = setup();
    open();
    source.emit('message', '{"$ts":"hello"}');
    source.emit('json', JSON.stringify('two\nlines'));
    source.emit('json', '""');
    expect(received).toEqual(['{"$ts":"hello"}', 'two\nlines', '']);
  });

  it('posts the frames of one task in one POST, one POST at a time, in order', async () => {
    const { socket, posts, posted, open } = setup();
    open();
    socket.send('a');
    socket.send('b');
    await settle();
    expect(posted()).toEqual([['a', 'b']]);
    // The id in the body, out of the url that ends up in logs.
    expect(posts[0]?.url.href).toBe('https://example.test/live?token=t&stream=');
    expect(decodePost(posts[0]?.body ?? '')?.streamId).toBe('stream-id');
    socket.send('c');
    await settle();
    expect(posts).toHaveLength(1); // the first is not answered yet
    socket.send('d');
    posts[0]?.answer(204);
    await settle();
    expect(posted()).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    posts[1]?.answer(204);
    await settle();
    socket.send('e');
    await settle();
    expect(posted()).toEqual([['a', 'b'], ['c', 'd'], ['e']]); // at once: no timer to wait for
  });

  it(`makes at most ${FRAME_POSTS_PER_SECOND} POSTs of frames in any second, the rest waiting in one batch`, async () => {
    const { socket, posts, posted, open } = setup();
    open();
    for (let post = 0; post < FRAME_POSTS_PER_SECOND; post += 1) {
      socket.send(`${post}`);
      await settle();
      posts[post]?.answer(204);
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(posts).toHaveLength(FRAME_POSTS_PER_SECOND);
    socket.send('late');
    socket.send('later');
    await settle();
    expect(posts).toHaveLength(FRAME_POSTS_PER_SECOND);
    // The first POST went 500 ms ago: the next may go once it is a second old.
    await vi.advanceTimersByTimeAsync(499);
    expect(posts).toHaveLength(FRAME_POSTS_PER_SECOND);
    await vi.advanceTimersByTimeAsync(1);
    expect(posted().at(-1)).toEqual(['late', 'later']);
  });

  it('puts at most MAX_BATCH_LENGTH in a POST, and a larger frame alone', async () => {
    const { socket, posts, posted, open } = setup();
    open();
    const half = 'x'.repeat(MAX_BATCH_LENGTH / 2);
    const large = 'y'.repeat(MAX_BATCH_LENGTH * 2);
    socket.send(half);
    socket.send(half);
    socket.send(large);
    await settle();
    for (let post = 0; post < 3; post += 1) {
      posts[post]?.answer(204);
      await settle();
    }
    expect(posted()).toEqual([[half], [half], [large]]);
  });

  it("answers the server's ping with its number, beside the frames", () => {
    const { posts, source, open } = setup();
    open();
    source.emit('ping', '7');
    expect(posts[0]?.url.searchParams.get('pong')).toBe('7');
    expect(posts[0]?.body).toBe('stream-id\n');
  });

  it("closes with the server's close code, and never lets EventSource reconnect", () => {
    const { socket, source, closes, open } = setup();
    open();
    source.emit('close', JSON.stringify({ code: 4403, reason: 'banned' }));
    expect(closes).toEqual([{ code: 4403, reason: 'banned' }]);
    expect(source.closed).toBe(true);
    expect(socket.readyState).toBe(3);
    source.fail();
    expect(closes).toHaveLength(1);
  });

  it('closes with 1006 when the stream fails, before it opened too', () => {
    const { source, closes } = setup();
    source.fail();
    expect(closes).toEqual([{ code: 1006, reason: '' }]);
    expect(source.closed).toBe(true);
  });

  it.each([
    [413, 1009],
    [429, 1008],
    [404, 1006],
    [502, 1006],
  ])(
    'closes for a POST answered %i as the server closes the stream for it (%i)',
    async (status, code) => {
      const { socket, posts, closes, open } = setup();
      open();
      socket.send('a');
      await settle();
      posts[0]?.answer(status);
      await settle();
      expect(closes).toEqual([{ code, reason: '' }]);
    },
  );

  it('closes with 1006 when a POST fails on the network', async () => {
    const { socket, posts, closes, open } = setup();
    open();
    socket.send('a');
    await settle();
    posts[0]?.reject();
    await settle();
    expect(closes).toEqual([{ code: 1006, reason: '' }]);
  });

  it('ends the stream and its POSTs at once on close(), dropping the frames not yet posted', async () => {
    const { socket, source, posts, posted, closes, open } = setup();
    open();
    socket.send('a');
    await settle();
    socket.send('b');
    socket.close(1000, 'bye');
    expect(closes).toEqual([{ code: 1000, reason: 'bye' }]);
    expect(source.closed).toBe(true);
    expect(posts[0]?.signal.aborted).toBe(true);
    posts[0]?.answer(204);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(posted()).toEqual([['a']]);
    expect(closes).toHaveLength(1);
  });

  it('refuses a binary frame: it needs a WebSocket', () => {
    const { socket, open } = setup();
    open();
    expect(() => socket.send(new ArrayBuffer(1))).toThrow(TypeError);
  });
});
