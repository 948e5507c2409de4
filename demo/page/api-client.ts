import type {
  ApiError,
  CutReply,
  DemoConfig,
  DemoStats,
  LoginReply,
  RestartReply,
  SessionReply,
  SilenceReply,
} from '../api';

/** A non-2xx answer, with the server's `error` text. */
export class ApiFailure extends Error {
  override readonly name = 'ApiFailure';

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(path: string, method: 'GET' | 'POST' = 'GET'): Promise<T> {
  const response = await fetch(path, { method, cache: 'no-store' });
  const body = (await response.json().catch(() => null)) as T | ApiError | null;
  if (!response.ok) {
    const error = (body as ApiError | null)?.error ?? response.statusText;
    throw new ApiFailure(response.status, `${path}: ${response.status} ${error}`);
  }
  return body as T;
}

const query = (key: string, value: string) => `${key}=${encodeURIComponent(value)}`;

/** The demo server's HTTP API (see ../api.ts), through Vite's /api proxy. */
export const api = {
  config: () => call<DemoConfig>('/api/config'),
  login: (user: string) => call<LoginReply>(`/api/login?${query('user', user)}`, 'POST'),
  session: (token: string) => call<SessionReply>(`/api/session?${query('token', token)}`),
  logout: (token: string) => call<{ ok: true }>(`/api/logout?${query('token', token)}`, 'POST'),
  stats: () => call<DemoStats>('/api/stats'),
  dropHeartbeats: () => call<SilenceReply>('/api/fault/drop-heartbeats', 'POST'),
  cut: () => call<CutReply>('/api/fault/cut', 'POST'),
  restart: () => call<RestartReply>('/api/fault/restart', 'POST'),
};
