import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  CutReply,
  DemoConfig,
  DemoStats,
  LoginReply,
  RestartReply,
  SessionReply,
  SilenceReply,
} from '../api';
import type { Feed } from './feed';
import { requestUrl, sendError, sendJson } from './http-json';
import { parseUserName, type Sessions } from './sessions';
import type { SocketHost } from './socket-host';

export const SILENCE_MS = 30_000;

export interface RouteContext {
  sessions: Sessions;
  host: SocketHost;
  feed: Feed;
  config: () => DemoConfig;
  restartDowntimeMs: number;
}

interface Route {
  methods: readonly string[];
  handle(url: URL, response: ServerResponse): Promise<void> | void;
}

/**
 * The demo's HTTP API (listed in ../api.ts). Every answer is JSON, every failure a status
 * with `{ error }`: a bad request never throws past here.
 */
export function createRequestHandler(
  context: RouteContext,
): (request: IncomingMessage, response: ServerResponse) => void {
  const routes = defineRoutes(context);
  const wsPath = context.config().wsPath;
  return (request, response) => {
    const url = requestUrl(request);
    // Where WebSocket is blocked, the worker's HTTP stream (whose POSTs the server reads).
    if (url?.pathname === wsPath && context.host.handleRequest(request, response)) return;
    // No route reads a body: drain it so the connection can be reused.
    request.resume();
    if (!url) {
      sendError(response, 400, 'Bad request target');
      return;
    }
    if (url.pathname === wsPath) {
      // No socket server is up (a restart's downtime) to take the upgrade or the stream.
      sendError(response, context.host.restarting ? 503 : 426, 'WebSocket endpoint');
      return;
    }
    const route = routes.get(url.pathname);
    if (!route) {
      sendError(response, 404, `No route ${url.pathname}`);
      return;
    }
    if (!route.methods.includes(request.method ?? '')) {
      response.setHeader('allow', route.methods.join(', '));
      sendError(response, 405, `Use ${route.methods.join(' or ')}`);
      return;
    }
    Promise.resolve()
      .then(() => route.handle(url, response))
      .catch((error: unknown) => {
        console.error('[demo] %s %s failed:', request.method, url.pathname, error);
        if (!response.headersSent) sendError(response, 500, 'Internal error');
        else response.destroy();
      });
  };
}

function defineRoutes({
  sessions,
  host,
  feed,
  config,
  restartDowntimeMs,
}: RouteContext): Map<string, Route> {
  const GET = ['GET', 'HEAD'] as const;
  const POST = ['POST'] as const;
  return new Map<string, Route>([
    ['/api/config', { methods: GET, handle: (_, res) => sendJson(res, 200, config()) }],
    [
      '/api/login',
      {
        methods: [...GET, ...POST],
        handle(url, res) {
          const user = parseUserName(url.searchParams.get('user'));
          if (!user) {
            sendError(res, 400, 'user: 1–24 letters, digits, "_", "." or "-"');
            return;
          }
          const reply: LoginReply = { token: sessions.login(user), user };
          sendJson(res, 200, reply);
        },
      },
    ],
    [
      '/api/session',
      {
        methods: GET,
        handle(url, res) {
          const user = sessions.userOf(url.searchParams.get('token'));
          if (!user) {
            sendError(res, 401, 'Unknown token');
            return;
          }
          const reply: SessionReply = { user };
          sendJson(res, 200, reply);
        },
      },
    ],
    [
      '/api/logout',
      {
        methods: POST,
        handle(url, res) {
          // Idempotent: logging out twice, or with a token the server forgot, is no error.
          sessions.logout(url.searchParams.get('token'));
          sendJson(res, 200, { ok: true });
        },
      },
    ],
    [
      '/api/stats',
      {
        methods: GET,
        async handle(_, res) {
          const { traffic, presence, ...socketServer } = await host.stats();
          const stats: DemoStats = {
            boot: feed.boot,
            pushes: feed.pushes,
            socketServer,
            ...traffic,
            presence,
          };
          sendJson(res, 200, stats);
        },
      },
    ],
    [
      '/api/fault/drop-heartbeats',
      {
        methods: POST,
        handle(_, res) {
          const until = host.silence(SILENCE_MS);
          if (until === null) {
            sendError(res, 409, 'The socket server is restarting');
            return;
          }
          const reply: SilenceReply = { until };
          sendJson(res, 200, reply);
        },
      },
    ],
    [
      '/api/fault/cut',
      {
        methods: POST,
        handle(_, res) {
          const reply: CutReply = { terminated: host.cut() };
          sendJson(res, 200, reply);
        },
      },
    ],
    [
      '/api/fault/restart',
      {
        methods: POST,
        handle(_, res) {
          if (!host.restart()) {
            sendError(res, 409, 'A restart is already running');
            return;
          }
          const reply: RestartReply = { downForMs: restartDowntimeMs };
          sendJson(res, 202, reply);
        },
      },
    ],
  ]);
}
