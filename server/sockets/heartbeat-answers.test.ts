import { describe, expect, it, vi } from 'vitest';
import { HeartbeatAnswers, type HeartbeatGate } from './heartbeat-answers';

function client() {
  const sent: string[] = [];
  return {
    sent,
    id: 's1',
    userId: 'ann',
    login: undefined,
    topics: new Set<string>(),
    send: () => true,
    close: () => {},
    sendText: (text: string) => sent.push(text) > 0,
  };
}

function gate(answer: boolean) {
  return { shouldAnswer: () => answer, release: vi.fn<() => void>() } satisfies HeartbeatGate;
}

describe('HeartbeatAnswers', () => {
  it('tells a ping by the heartbeat options, text or JSON', () => {
    const answers = new HeartbeatAnswers({ ping: { type: 'ping' }, pong: { type: 'pong' } });
    expect(answers.isPing('{"type":"ping"}', { type: 'ping' })).toBe(true);
    expect(answers.isPing('ping', undefined)).toBe(false);
  });

  it('answers every ping without a gate', () => {
    const answers = new HeartbeatAnswers({ ping: 'ping', pong: 'pong' });
    const socket = client();
    answers.answer(socket);
    expect(socket.sent).toEqual(['pong']);
  });

  it('neither tells nor answers a ping when heartbeats are the app’s (false)', () => {
    const answers = new HeartbeatAnswers(false);
    const socket = client();
    expect(answers.isPing('ping', undefined)).toBe(false);
    answers.answer(socket);
    expect(socket.sent).toEqual([]);
  });

  it('answers only what its gate lets through', () => {
    const answers = new HeartbeatAnswers({ ping: 'ping', pong: 'pong' });
    const socket = client();
    answers.setGate(gate(false));
    answers.answer(socket);
    expect(socket.sent).toEqual([]);
    answers.setGate(gate(true));
    answers.answer(socket);
    expect(socket.sent).toEqual(['pong']);
  });

  it('releases a gate once, when it is replaced or removed, and not when set again', () => {
    const answers = new HeartbeatAnswers({ ping: 'ping', pong: 'pong' });
    const first = gate(false);
    const second = gate(false);
    answers.setGate(first);
    answers.setGate(first);
    expect(first.release).not.toHaveBeenCalled();
    answers.setGate(second);
    expect(first.release).toHaveBeenCalledTimes(1);
    answers.setGate(undefined);
    answers.setGate(undefined);
    expect(second.release).toHaveBeenCalledTimes(1);
    expect(first.release).toHaveBeenCalledTimes(1);
  });
});
