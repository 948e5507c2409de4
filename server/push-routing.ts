import type { Fanout, Session, SessionRegistry } from './sessions/session-registry';
import type { ClientRegistry } from './sockets/client-registry';
import type { ConnectedClient } from './sockets/connected-client';
import type { FanoutChannel, FanoutMessage, FanoutTarget } from './stores/fanout';
import {
  encodePayload,
  encodePushData,
  encodeTopicPayload,
  type PushData,
  type PushPayload,
  pushPayload,
} from './stores/push-payload';

/**
 * What `push`, `broadcast` and `publish` answer. In one process, how many sockets and
 * sessions it was written to, at once. With a `fanout`, the promise of the fan-out's number
 * once the channel ordered it (every server makes it then, this one included), or of
 * undefined when that is not known (see `FanoutChannel.send`).
 */
export type PushAnswer = number | Promise<number | undefined>;

/**
 * Where `push`, `broadcast` and `publish` go: with a fan-out channel, to it, and from it
 * (`make`) to this server's sockets and sessions, as on every server; without one, straight
 * to them. A worker's session gets a numbered push through its log, also while it has no
 * socket, and gets it on resume; a socket without a session gets the frame as is
 * (remembered, while it may still resume).
 */
export class PushRouter implements FanoutTarget {
  readonly #clients: ClientRegistry;
  readonly #sessions: SessionRegistry;
  readonly #topicKey: string;
  readonly #channel: FanoutChannel | undefined;

  constructor(
    clients: ClientRegistry,
    sessions: SessionRegistry,
    topicKey: string,
    channel: FanoutChannel | undefined,
  ) {
    this.#clients = clients;
    this.#sessions = sessions;
    this.#topicKey = topicKey;
    this.#channel = channel;
    channel?.attach(this);
  }

  /** To every socket and session of `userId`. */
  push(userId: string, data: PushData): PushAnswer {
    assertString('userId', userId);
    return this.#route({ k: 'u', u: userId, d: data });
  }

  /** To every socket and session. */
  broadcast(data: PushData): PushAnswer {
    return this.#route({ k: 'b', d: data });
  }

  /** To the sessions whose worker's last `sub` named `topic`: a plain socket has no topics. */
  publish(topic: string, data: PushData): PushAnswer {
    assertString('topic', topic);
    return this.#route({ k: 't', t: topic, d: data });
  }

  /** Makes `message` on this server; answers how many sockets and sessions it was written to. */
  make(message: FanoutMessage): number {
    if (message.k === 'u') return this.#toUser(message.u, message.d);
    if (message.k === 'b') return this.#toEveryone(message.d);
    return this.#toTopic(message.t, message.d);
  }

  bodyOf(message: FanoutMessage): string {
    return message.k === 't'
      ? encodeTopicPayload(this.#topicKey, message.t, message.d)
      : encodePayload(message.d);
  }

  endSockets(): void {
    for (const client of this.#clients.all()) client.terminate();
  }

  #route(message: FanoutMessage): PushAnswer {
    if (!this.#channel) return this.make(message);
    // Refused here, as without a channel, rather than on every server.
    encodePushData(message.d);
    return this.#channel.send(message);
  }

  #toUser(userId: string, data: PushData): number {
    const text = encodePushData(data);
    const payload = pushPayload(payloadBody(data, text));
    const fanout = this.#sessions.fanout(userId);
    let written = 0;
    for (const client of this.#clients.ofUser(userId)) {
      if (writeApp(client, text, payload, fanout)) written += 1;
    }
    return written + this.#sessions.pushAll(this.#sessions.ofUser(userId), payload);
  }

  #toEveryone(data: PushData): number {
    const text = encodePushData(data);
    const payload = pushPayload(payloadBody(data, text));
    const fanout = this.#sessions.fanout(undefined);
    let written = 0;
    for (const client of this.#clients.all()) {
      if (writeApp(client, text, payload, fanout)) written += 1;
    }
    return written + this.#sessions.pushAll(this.#sessions.all(), payload);
  }

  #toTopic(topic: string, data: PushData): number {
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
