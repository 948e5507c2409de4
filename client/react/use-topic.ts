import { useEffect, useRef } from 'react';
import type { TabSocket } from '../index';

/**
 * Calls `onMessage` with every frame of `topic` (see `TabSocket.subscribe`) while the
 * component is mounted and `socket` is set. The latest `onMessage` is called, so an inline
 * function does not subscribe again on every render; a new `socket` or `topic` does.
 */
export function useTopic(
  socket: TabSocket | undefined,
  topic: string,
  onMessage: (data: unknown) => void,
): void {
  const latest = useRef(onMessage);
  // Declared first: effects run in order, so the subscription below never calls a stale one.
  useEffect(() => {
    latest.current = onMessage;
  });
  useEffect(() => socket?.subscribe(topic, (data) => latest.current(data)), [socket, topic]);
}
