import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiError } from '../api';

/** Answers `body` as JSON; never cached, since every answer here is live state. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  response.end(text);
}

export function sendError(response: ServerResponse, status: number, error: string): void {
  const body: ApiError = { error };
  sendJson(response, status, body);
}

/** The request's path and query; null for a target that is not a path (`*`, a full URL). */
export function requestUrl(request: IncomingMessage): URL | null {
  const target = request.url ?? '';
  if (!target.startsWith('/')) return null;
  try {
    return new URL(target, 'http://demo.invalid');
  } catch {
    return null;
  }
}
