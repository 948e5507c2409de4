import type { ChatRequest } from '../api';

export const CHAT_MAX_LENGTH = 280;

/** The chat text of a frame from a tab, trimmed; or why the frame is refused. */
export function parseChatRequest(data: unknown): { text: string } | { refused: string } {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { refused: 'expected a JSON object like {"type":"chat","text":"…"}' };
  }
  const { type, text } = data as Partial<Record<keyof ChatRequest, unknown>>;
  if (type !== 'chat') return { refused: `unknown frame type ${JSON.stringify(type)}` };
  if (typeof text !== 'string') return { refused: 'chat "text" must be a string' };
  const trimmed = text.trim();
  if (trimmed === '') return { refused: 'chat "text" is empty' };
  if (trimmed.length > CHAT_MAX_LENGTH) {
    return { refused: `chat "text" is longer than ${CHAT_MAX_LENGTH} characters` };
  }
  return { text: trimmed };
}
