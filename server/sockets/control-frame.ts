import type { ServerControlFrame } from '../../protocol/wire';

/** A control frame of the server's, as it goes on the wire. */
export function encodeControlFrame(frame: ServerControlFrame): string {
  return JSON.stringify(frame);
}
