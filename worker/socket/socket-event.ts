/**
 * An event with the fields the connection reads. Not `new CloseEvent(…)`: a worker host may
 * lack it (Node before 23, where the unit tests run).
 */
export function socketEvent<T extends Event>(type: string, fields: Omit<Partial<T>, 'type'>): T {
  return { type, ...fields } as T;
}
