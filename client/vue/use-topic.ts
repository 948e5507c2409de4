import { type MaybeRefOrGetter, toValue, watch } from 'vue';
import type { TabSocket } from '../index';

/**
 * Calls `onMessage` with every frame of `topic` (see `TabSocket.subscribe`) for the life of
 * the calling effect scope; a new `socket` or `topic` (refs or getters) subscribes again.
 */
export function useTopic(
  socket: MaybeRefOrGetter<TabSocket | undefined>,
  topic: MaybeRefOrGetter<string>,
  onMessage: (data: unknown) => void,
): void {
  watch(
    [() => toValue(socket), () => toValue(topic)],
    ([current, name], _previous, onCleanup) => {
      if (current) onCleanup(current.subscribe(name, onMessage));
    },
    { immediate: true },
  );
}
