/**
 * The demo's wire: its HTTP API and the frames it pushes. Types only: the page and the demo
 * server both import this file, so the two ends cannot drift apart.
 *
 *   GET       /api/config                  → DemoConfig
 *   GET|POST  /api/login?user=NAME         → LoginReply        (400 for a bad name)
 *   GET       /api/session?token=T         → SessionReply      (401 for an unknown token)
 *   POST      /api/logout?token=T          → { ok: true }      (the token stops working)
 *   GET       /api/stats                   → DemoStats
 *   POST      /api/fault/drop-heartbeats   → SilenceReply
 *   POST      /api/fault/cut               → CutReply
 *   POST      /api/fault/restart           → RestartReply      (409 while one runs)
 *   anything else                          → ApiError with 404 / 405
 */
import type { PresenceEntry } from 'tabsocket/server';

export interface ApiError {
  error: string;
}

export interface DemoConfig {
  /** The demo server's port: the page opens its WebSocket there directly. */
  wsPort: number;
  wsPath: string;
}

export interface LoginReply {
  token: string;
  user: string;
}

export interface SessionReply {
  user: string;
}

/** The socket server's own view, not the page's: the number that proves "1 for N tabs". */
export interface DemoStats {
  /** Id of this demo server process: a restarted process starts its seq again. */
  boot: string;
  /** Pushes made so far (the last seq). */
  pushes: number;
  socketServer: {
    /** False between close and start during a restart. */
    up: boolean;
    /** How many socket servers this process has started: 1, then +1 per restart. */
    generation: number;
    startedAt: number | null;
    /** Until when heartbeats go unanswered and pushes are held, or null. */
    silentUntil: number | null;
  };
  openSockets: number;
  onlineUsers: number;
  framesIn: number;
  framesOut: number;
  malformedFrames: number;
  /** Online users first (with since), then those gone (with last seen). */
  presence: PresenceEntry[];
}

export interface SilenceReply {
  until: number;
}

export interface CutReply {
  terminated: number;
}

export interface RestartReply {
  downForMs: number;
}

/** Tab → server: the only frame the demo server reads. */
export interface ChatRequest {
  type: 'chat';
  text: string;
}

/** Every push carries a seq unique within one `boot`: a seq seen twice is a duplicate. */
interface Numbered {
  seq: number;
  boot: string;
  /** Server time, epoch ms. */
  at: number;
}

export interface ClockPush extends Numbered {
  topic: 'clock';
}

export interface ChatPush extends Numbered {
  topic: 'chat';
  from: string;
  text: string;
}

export interface PresencePush extends Numbered {
  topic: 'presence';
  user: string;
  online: boolean;
}

/** Server → one socket: why its frame was refused. Not numbered: it is not a broadcast. */
export interface NoticePush {
  topic: 'notice';
  text: string;
  at: number;
}

export type NumberedPush = ClockPush | ChatPush | PresencePush;
export type DemoTopic = NumberedPush['topic'];
