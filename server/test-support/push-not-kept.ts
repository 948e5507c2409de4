import { FanoutLog } from '../redis/fanout-log';
import { RedisReplayStore } from '../redis/redis-replay-store';
import { CHECKPOINT, DIRECT, READ } from '../redis/scripts';
import type { RedisCommandClient } from '../redis/store-options';
import { SessionRegistry } from '../sessions/session-registry';
import type { FanoutMessage } from '../stores';
import { pushPayload } from '../stores/push-payload';
import { FakeClock } from './fake-clock';
import { waitUntil } from './harness';
import { resumeOf, resumeSocket } from './resume-socket';

/**
 * A client on `client`'s Redis whose next DIRECT (a push), CHECKPOINT or READ fails when
 * `refuse` says.
 */
export function refusingClient(client: RedisCommandClient) {
  const refuse = { direct: false, checkpoint: false, read: false };
  const refusing: RedisCommandClient = {
    sendCommand: (args) => {
      if (refuse.read && args[1] === READ) {
        refuse.read = false;
        return Promise.reject(new Error('refused READ'));
      }
      if (refuse.direct && args[1] === DIRECT) {
        refuse.direct = false;
        return Promise.reject(new Error('refused DIRECT'));
      }
      if (refuse.checkpoint && args[1] === CHECKPOINT) {
        refuse.checkpoint = false;
        return Promise.reject(new Error('refused CHECKPOINT'));
      }
      return client.sendCommand(args);
    },
  };
  return { client: refusing, refuse };
}

/**
 * A server's store on `client`'s Redis under `prefix` (two of them: two servers on one
 * Redis); `refuse.direct` makes Redis refuse its next direct push (a failed write).
 */
export function refusingRedisStore(client: RedisCommandClient, prefix: string) {
  const { client: refusing, refuse } = refusingClient(client);
  return { store: new RedisReplayStore(refusing, { prefix }), refuse };
}

/**
 * Session S of `ann` on `registry` has pushes 1 and 2, written to its worker, then a third
 * that Redis refused (not kept, never written); it waits for its worker.
 */
export async function withPushNotKept(
  registry: SessionRegistry,
  refuse: { direct: boolean },
): Promise<void> {
  const written: string[] = [];
  const first = resumeSocket({ written });
  const attached = await resumeOf(registry, first, 0);
  if (attached.kind !== 'attached') throw new Error('not attached');
  registry.push(attached.session, pushPayload('"data":1'));
  registry.push(attached.session, pushPayload('"data":2'));
  await waitUntil(() => written.length === 2, 'pushes written');
  registry.detach(attached.session, first);
  refuse.direct = true;
  registry.push(attached.session, pushPayload('"data":3'));
  await waitUntil(() => !refuse.direct, 'the push refused');
}

/** A registry of one server on a store that `refuse` makes fail (`refusingClient`). */
export function registryOnRefusingRedis(client: RedisCommandClient, prefix: string) {
  const { client: refusing, refuse } = refusingClient(client);
  const store = new RedisReplayStore(refusing, { prefix, onError: () => {} });
  const registry = new SessionRegistry(
    store,
    { maxAge: 60_000, dedupeWindow: 8, maxPerUser: 16, maxTotal: 100, anonymous: false },
    new FakeClock(),
    () => {},
  );
  return { store, registry, refuse };
}

/** The same, its store following a fan-out log: `fanout(n)` makes fan-out `n` to `ann`. */
export function registryWithFanouts(client: RedisCommandClient, prefix: string) {
  const { store, registry, refuse } = registryOnRefusingRedis(client, prefix);
  const log = new FanoutLog(100);
  const bodyOf = (message: FanoutMessage) => `"data":${JSON.stringify(message.d)}`;
  store.followFanout(log, bodyOf);
  const fanout = (n: number) => {
    const message: FanoutMessage = { k: 'u', u: 'ann', d: n };
    log.make(n, message, () => {
      registry.pushAll(registry.ofUser('ann'), pushPayload(bodyOf(message)));
    });
  };
  return { registry, refuse, fanout };
}
