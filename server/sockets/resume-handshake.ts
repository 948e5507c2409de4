import type { ResumeOutcome, SessionRegistry } from '../sessions/session-registry';
import type { MaybePromise } from '../stores/maybe-promise';
import { encodePushFrame } from '../stores/push-payload';
import { CLOSE_TRY_AGAIN_LATER, type ConnectedClient } from './connected-client';
import { encodeControlFrame } from './control-frame';
import type { ResumeRequest } from './inbound-frame';

/**
 * The answer to a worker's `resume` (its first frame, carrying the hello's nonce): attaches
 * the socket to the worker's session and replays what the worker missed, or tells it to
 * resync when that is no longer kept. Live pushes are numbered from here on.
 *
 *   hello(nonce) ──> resume(nonce, session, last) ──> resumed(nonce, seq) + replayed pushes
 *                                                 └─> resync(nonce, seq)   (the gap is gone)
 *                                                 └─> resync(nonce, 0, session) + its pushes
 *                                                 │     (the stream is gone: a new session)
 *                                                 └─> error(nonce)         (refused)
 */
export function answerResume(
  client: ConnectedClient,
  nonce: string,
  request: ResumeRequest,
  sessions: SessionRegistry,
): MaybePromise<void> {
  if (request.kind === 'invalid') {
    // The socket still waits for a resume: the worker may start afresh on it.
    client.refuse('invalid-session', request.message, nonce);
    return;
  }
  // Answered in the session's order: with a remote store, once it has read the log.
  return sessions.resume(
    client,
    request.session,
    request.last,
    (outcome) => respond(client, nonce, outcome, sessions),
    request.held,
  );
}

function respond(
  client: ConnectedClient,
  nonce: string,
  outcome: ResumeOutcome,
  sessions: SessionRegistry,
): void {
  if (outcome.kind === 'full') {
    client.refuse('overloaded', 'Too many sessions on this server', nonce);
    client.shut(CLOSE_TRY_AGAIN_LATER, 'Too many sessions');
    return;
  }
  if (outcome.kind === 'failed') {
    if (outcome.reason === 'closed') return;
    // The worker tries again later, on this server or another.
    client.refuse('overloaded', 'The session could not be resumed', nonce);
    client.shut(CLOSE_TRY_AGAIN_LATER, 'Session unavailable');
    return;
  }
  const { session, head, newId, lastId } = outcome;
  const remembered = client.attach(session);
  // Frames went out while it resumed that no list holds any more: what it missed is gone.
  const replay = remembered.overflowed ? undefined : outcome.replay;
  // Written whatever is waiting: the replay limits bound all of it.
  if (newId !== undefined) {
    // The worker's stream is gone: the new one's pushes so far follow, from its first, and
    // with them every push made since the socket opened (`whole`).
    const from = replay ? ({ seq: 0, whole: true } as const) : { seq: head };
    client.sendText(
      encodeControlFrame({ $ts: 'resync', nonce, session: newId, ...from }),
      'resume',
    );
  } else {
    const kind = replay ? 'resumed' : 'resync';
    // The worker numbers its messages above `lastId`: its cursor may lag the session's ids.
    const ids = lastId > 0 ? { lastId } : {};
    client.sendText(encodeControlFrame({ $ts: kind, nonce, seq: head, ...ids }), 'resume');
  }
  for (const entry of replay ?? []) {
    client.sendText(encodePushFrame(entry.seq, entry.payload.body), 'resume');
  }
  // The worker dropped what came before its session was attached. The session logged the
  // pushes made to it since it exists (they are in the replay, or come after it); the rest
  // it gets now.
  for (const frame of remembered.frames) {
    if (!frame.fanout || !outcome.logged(frame.fanout)) sessions.takeOver(session, frame);
  }
}
