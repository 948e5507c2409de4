/**
 * The names the code blocks of README.md and docs/ take as given: what an app has of its
 * own. docs/check-code-blocks.ts type-checks every block with these declared.
 */
import type { IncomingMessage } from 'node:http';

declare global {
  /** The socket url of the examples. */
  const url: string;
  /** The app's rendering of a push. */
  function render(data: unknown): void;
  /** The app's rendering of a price. */
  function tick(data: unknown): void;
  /** The app's check of a login token: the user id, or null to refuse the socket. */
  function userIdFromToken(token: string | null): string | null;
  /** The same, reading the token from the upgrade request. */
  function userOf(request: IncomingMessage): string | null;
  /** The app's check of the upgrade request's token: its claims, or null to refuse the socket. */
  function verifiedClaims(request: IncomingMessage): { sub: string; sid: string } | null;
  /** The app's own logger. */
  const myLogger: { debug(line: string, event: unknown): void };
}
