import type { Fanout, Session, SessionRegistry } from './sessions/session-registry';
import type { ClientRegistry } from './sockets/client-registry';
import type { ConnectedClient } from './sockets/connected-client';
import type { PushPayload } from './stores/push-payload';
import {
  encodePushData,
  encodeTopicPayload,
  type PushData,
  pushPayload,
} from './stores/push-payload';

/**
 * Where `push`, `broadcast` and `publish` go. A worker's session gets a numbered push through
 * its log, also while it has no socket, and gets it on resume; a socket without a session
 * gets the frame as is (remembered, while it may still resume). Each answers how many
 * sockets and sessions it was written to.
 */
export class PushRouter {
  readonly #clients: ClientRegistry;
  readonly #sessions: SessionRegistry;
  readonly #topicKey: string;

  constructor(clients: ClientRegistry, sessions: SessionRegistry, topicKey: string) {
    this.#clients = clients;
    this.#sessions = sessions;
    this.#topicKey = topicKey;
  }

  /** To every socket and session of `userId`. */
  push(userId: string, data: PushData): number {
    assertString('userId', userId);
    const text = encodePushData(data);
    const payload = pushPayload(payloadBody(data, text));
    const fanout = this.#sessions.fanout(userId);
    let written = 0;
    for (const client of this.#clients.ofUser(userId)) {
      if (writeApp(client, text, payload, fanout)) written += 1;
    }
    return written + this.#sessions.pushAll(this.#sessions.ofUser(userId), payload);
  }

  /** To every socket and session. */
  broadcast(data: PushData): number {
    const text = encodePushData(data);
    const payload = pushPayload(payloadBody(data, text));
    const fanout = this.#sessions.fanout(undefined);
    let written = 0;
    for (const client of this.#clients.all()) {
      if (writeApp(client, text, payload, fanout)) written += 1;
    }
    return written + this.#sessions.pushAll(this.#sessions.all(), payload);
  }

  /** To the sessions whose worker's last `sub` named `topic`: a plain socket has no topics. */
  publish(topic: string, data: PushData): number {
    assertString('topic', topic);
    const payload = pushPayload(encodeTopicPayload(this.#topicKey, topic, data));
    const subscribed: Session[] = [];
    for (const session of this.#sessions.all()) {
      if (session.topics.has(topic)) subscribed.push(session);
    }
    return this.#sessions.pushAll(subscribed, payload);
  }
}

/** An application frame to a socket without a session (a session's go through its log). */
function writeApp(
  client: ConnectedClient,
  text: string,
  payload: PushPayload,
  fanout: Fanout,
): boolean {
  return client.phase.kind !== 'session' && client.writeApp(text, () => payload, fanout);
}

/** The payload of a push of `data`, whose text on the wire is `text`: as `encodePayload`. */
function payloadBody(data: PushData, text: string): string {
  return typeof data === 'string' ? `"text":${JSON.stringify(data)}` : `"data":${text}`;
}

function assertString(name: string, value: unknown): void {
  if (typeof value !== 'string') {
    throw new TypeError(`Invalid ${name}: expected a string, got ${typeof value}`);
  }
}
