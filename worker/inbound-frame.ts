import type { ServerControlFrame } from './wire';

/** An application frame as the tabs get it; `topic` when its JSON names one. */
export interface InboundFrame {
  data: unknown;
  topic?: string;
}

/** How the tabs want text frames: parsed JSON values, or the text itself. */
export interface FrameFormat {
  format: 'json' | 'text';
  topicKey: string;
}

/**
 * A text frame for the tabs. `parsed` is its JSON value, undefined when it is not JSON:
 * in 'json' format that frame is malformed, and still delivered, as its text.
 */
export function decodeText(
  text: string,
  parsed: unknown,
  { format, topicKey }: FrameFormat,
): { frame: InboundFrame; malformed: boolean } {
  if (format === 'json' && parsed === undefined) return { frame: { data: text }, malformed: true };
  return {
    frame: withTopic(format === 'json' ? parsed : text, parsed, topicKey),
    malformed: false,
  };
}

/** A push's JSON value for the tabs: as is, or as JSON text in 'text' format. */
export function decodeValue(value: unknown, { format, topicKey }: FrameFormat): InboundFrame {
  return withTopic(format === 'json' ? value : JSON.stringify(value), value, topicKey);
}

/** The frame as a control frame of ours, when it is one: an object with a string `$ts`. */
export function controlFrameOf(parsed: unknown): ServerControlFrame | undefined {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  return typeof (parsed as { $ts?: unknown }).$ts === 'string'
    ? (parsed as ServerControlFrame)
    : undefined;
}

function withTopic(data: unknown, parsed: unknown, topicKey: string): InboundFrame {
  if (typeof parsed !== 'object' || parsed === null) return { data };
  const topic = (parsed as Record<string, unknown>)[topicKey];
  return typeof topic === 'string' ? { data, topic } : { data };
}
