import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nodeClock } from '../node-clock';
import { LivenessMonitor, type LivenessTarget } from './liveness';

class FakeSocket implements LivenessTarget {
  pings = 0;
  terminated = false;
  ping(): void {
    this.pings += 1;
  }
  terminate(): void {
    this.terminated = true;
  }
}

describe('LivenessMonitor', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function monitor(sockets: FakeSocket[], interval = 100, timeout = 40) {
    const liveness = new LivenessMonitor({ interval, timeout }, () => sockets, nodeClock);
    liveness.start();
    return liveness;
  }

  it('pings every socket each interval', () => {
    const sockets = [new FakeSocket(), new FakeSocket()];
    const liveness = monitor(sockets);
    vi.advanceTimersByTime(99);
    expect(sockets.map((socket) => socket.pings)).toEqual([0, 0]);
    vi.advanceTimersByTime(1);
    expect(sockets.map((socket) => socket.pings)).toEqual([1, 1]);
    for (const socket of sockets) liveness.markAlive(socket);
    vi.advanceTimersByTime(100);
    expect(sockets.map((socket) => socket.pings)).toEqual([2, 2]);
  });

  it('terminates a socket silent for timeout after a ping, and only that one', () => {
    const silent = new FakeSocket();
    const answering = new FakeSocket();
    const liveness = monitor([silent, answering]);
    vi.advanceTimersByTime(100);
    liveness.markAlive(answering);
    vi.advanceTimersByTime(39);
    expect(silent.terminated).toBe(false);
    vi.advanceTimersByTime(1);
    expect(silent.terminated).toBe(true);
    expect(answering.terminated).toBe(false);
  });

  it('drops a socket that goes quiet within interval + timeout', () => {
    const socket = new FakeSocket();
    const liveness = monitor([socket]);
    vi.advanceTimersByTime(100);
    liveness.markAlive(socket); // the last sign of life, just after a ping
    vi.advanceTimersByTime(100 + 40);
    expect(socket.terminated).toBe(true);
  });

  it('still terminates when the timeout equals the interval', () => {
    const socket = new FakeSocket();
    monitor([socket], 100, 100);
    vi.advanceTimersByTime(200);
    expect(socket.terminated).toBe(true);
  });

  it('does not terminate a socket forgotten after it closed', () => {
    const socket = new FakeSocket();
    const liveness = monitor([socket]);
    vi.advanceTimersByTime(100);
    liveness.forget(socket);
    vi.advanceTimersByTime(40);
    expect(socket.terminated).toBe(false);
  });

  it('clears every timer on stop', () => {
    const socket = new FakeSocket();
    const liveness = monitor([socket]);
    vi.advanceTimersByTime(100);
    expect(vi.getTimerCount()).toBe(2);
    liveness.stop();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(socket).toMatchObject({ pings: 1, terminated: false });
  });
});
