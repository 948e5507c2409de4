import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { FakeClock } from '../test-support/fake-clock';
import { type ClientContext, ConnectedClient } from './connected-client';

const MAX_BUFFERED = 1_000;

/** The part of a `ws` socket a ConnectedClient uses, driven by hand. */
class FakeSocket extends EventEmitter {
  readyState: number = WebSocket.OPEN;
  bufferedAmount = 0;
  readonly sent: string[] = [];
  readonly closes: [number | undefined, string | undefined][] = [];
  terminated = false;

  send(text: string): void {
    this.sent.push(text);
  }

  close(code?: number, reason?: string): void {
    this.closes.push([code, reason]);
    this.readyState = WebSocket.CLOSING;
  }

  terminate(): void {
    this.terminated = true;
    this.readyState = WebSocket.CLOSED;
  }

  /** The close event, as ws emits it once the handshake completed or the socket dropped. */
  finishClose(): void {
    this.readyState = WebSocket.CLOSED;
    this.emit('close', 1000, Buffer.from(''));
  }
}

function setup(maxRefusals = 100) {
  const clock = new FakeClock();
  const socket = new FakeSocket();
  const context: ClientContext = {
    clock,
    counters: { framesIn: 0, framesOut: 0, malformedFrames: 0 },
    rememberLimits: { maxCount: 10, maxBytes: 1_000 },
    maxBufferedAmount: MAX_BUFFERED,
    maxRefusals,
    push: () => true,
  };
  const client = new ConnectedClient(
    'c1',
    'ann',
    undefined,
    socket as unknown as WebSocket,
    context,
    'n',
  );
  return { clock, socket, client, context };
}

describe('ConnectedClient', () => {
  describe('#sendText past maxBufferedAmount', () => {
    it('closes with 1013 and terminates a second later if the close never completes', () => {
      const { clock, socket, client } = setup();
      socket.bufferedAmount = MAX_BUFFERED + 1;
      expect(client.sendText('late')).toBe(false);
      expect(socket.sent).toEqual([]);
      expect(socket.closes).toEqual([[1013, 'Send buffer full']]);
      expect(clock.pending).toBe(1);

      clock.advance(999);
      expect(socket.terminated).toBe(false);
      clock.advance(1);
      expect(socket.terminated).toBe(true);
      expect(clock.pending).toBe(0);
    });

    it('clears the deadline when the close completes in time', () => {
      const { clock, socket, client } = setup();
      socket.bufferedAmount = MAX_BUFFERED + 1;
      client.sendText('late');
      clock.advance(500);
      socket.finishClose();
      expect(clock.pending).toBe(0);
      clock.advance(10_000);
      expect(socket.terminated).toBe(false);
    });

    it('starts one deadline however many writes find the buffer full', () => {
      const { clock, socket, client } = setup();
      socket.bufferedAmount = MAX_BUFFERED + 1;
      client.sendText('one');
      clock.advance(600);
      socket.readyState = WebSocket.OPEN; // as if still open: a second full write
      client.sendText('two');
      expect(socket.closes).toHaveLength(1);
      expect(clock.pending).toBe(1);
      clock.advance(400);
      expect(socket.terminated).toBe(true);
    });

    it('writes the answer to a resume whatever is waiting, and sets no timer', () => {
      const { clock, socket, client } = setup();
      socket.bufferedAmount = MAX_BUFFERED * 10;
      expect(client.sendText('replay', 'resume')).toBe(true);
      expect(socket.sent).toEqual(['replay']);
      expect(clock.pending).toBe(0);
    });
  });

  describe('#shut', () => {
    it('sets no deadline for a socket already closed', () => {
      const { clock, socket, client } = setup();
      socket.close = () => socket.finishClose();
      client.shut(1008, 'gone');
      expect(clock.pending).toBe(0);
    });
  });

  describe('#refuse', () => {
    it('answers with an error frame up to maxRefusals, then closes with 1008', () => {
      const { clock, socket, client, context } = setup(1);
      client.refuse('malformed', 'bad', 'n');
      expect(JSON.parse(socket.sent[0] as string)).toEqual({
        $ts: 'error',
        code: 'malformed',
        message: 'bad',
        nonce: 'n',
      });
      client.refuse('malformed', 'bad again');
      expect(socket.sent).toHaveLength(1);
      expect(socket.closes).toEqual([[1008, 'Too many refused frames']]);
      expect(context.counters.malformedFrames).toBe(2);
      expect(clock.pending).toBe(1);
    });
  });
});
