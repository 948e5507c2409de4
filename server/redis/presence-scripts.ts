/**
 * The Lua scripts of the Redis presence store. Keys (ARGV[1] is the prefix, so that the
 * reaper can name the keys of the users it finds):
 *
 * - `<prefix>presence:online`: zset, user -> since (ms);
 * - `<prefix>presence:seen`: zset, user -> last seen (ms), at most maxOfflineUsers;
 * - `<prefix>presence:sockets:<user>`: hash, socket id -> the node holding it;
 * - `<prefix>presence:nodes`: zset, node -> its last heartbeat (Redis's clock, ms);
 * - `<prefix>presence:node:<node>`: set of `user\\nsocket` the node holds.
 */

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** Forgets the oldest last-seen times past ARGV[`maxArg`]. */
const TRIM_SEEN = (
  maxArg: number,
) => `local over = redis.call('ZCARD', p .. 'presence:seen') - tonumber(ARGV[${maxArg}])
if over > 0 then redis.call('ZREMRANGEBYRANK', p .. 'presence:seen', 0, over - 1) end`;

/** ARGV: prefix, user, socket, node, at. Answers 1 when it is the user's first socket. */
export const ADD_SOCKET = `local p = ARGV[1]
local sockets = p .. 'presence:sockets:' .. ARGV[2]
local first = redis.call('HLEN', sockets) == 0
redis.call('HSET', sockets, ARGV[3], ARGV[4])
redis.call('SADD', p .. 'presence:node:' .. ARGV[4], ARGV[2] .. '\\n' .. ARGV[3])
if not first then return 0 end
redis.call('ZADD', p .. 'presence:online', ARGV[5], ARGV[2])
redis.call('ZREM', p .. 'presence:seen', ARGV[2])
return 1`;

/**
 * ARGV: prefix, user, socket, node, at, maxOfflineUsers. Answers 1 when it was the user's
 * last socket (an unknown socket changes nothing).
 */
export const REMOVE_SOCKET = `local p = ARGV[1]
local sockets = p .. 'presence:sockets:' .. ARGV[2]
if redis.call('HDEL', sockets, ARGV[3]) == 0 then return 0 end
redis.call('SREM', p .. 'presence:node:' .. ARGV[4], ARGV[2] .. '\\n' .. ARGV[3])
if redis.call('HLEN', sockets) > 0 then return 0 end
redis.call('ZREM', p .. 'presence:online', ARGV[2])
redis.call('ZADD', p .. 'presence:seen', ARGV[5], ARGV[2])
${TRIM_SEEN(6)}
return 1`;

/**
 * ARGV: prefix, node. The node is alive now. Answers 0 when it was not known alive (its
 * first beat, or it was reaped: its sockets must be recorded again), else 1.
 */
export const BEAT = `${NOW}
local known = redis.call('ZSCORE', ARGV[1] .. 'presence:nodes', ARGV[2])
redis.call('ZADD', ARGV[1] .. 'presence:nodes', now, ARGV[2])
if known then return 1 end
return 0`;

/**
 * ARGV: prefix, timeout ms, maxOfflineUsers. Removes the sockets of every node silent for
 * timeout ms, as if each had closed at the node's last heartbeat. Answers user, last seen,
 * user, last seen… for those who went offline.
 */
export const REAP = `local p = ARGV[1]
${NOW}
local out = {}
local dead = redis.call('ZRANGEBYSCORE', p .. 'presence:nodes', '-inf', now - tonumber(ARGV[2]), 'WITHSCORES')
for i = 1, #dead, 2 do
  local node, beat = dead[i], dead[i + 1]
  local held = p .. 'presence:node:' .. node
  for _, member in ipairs(redis.call('SMEMBERS', held)) do
    local cut = string.find(member, '\\n', 1, true)
    local user, socket = string.sub(member, 1, cut - 1), string.sub(member, cut + 1)
    local sockets = p .. 'presence:sockets:' .. user
    if redis.call('HGET', sockets, socket) == node then
      redis.call('HDEL', sockets, socket)
      if redis.call('HLEN', sockets) == 0 then
        redis.call('ZREM', p .. 'presence:online', user)
        redis.call('ZADD', p .. 'presence:seen', beat, user)
        out[#out + 1] = user
        out[#out + 1] = beat
      end
    end
  end
  redis.call('DEL', held)
  redis.call('ZREM', p .. 'presence:nodes', node)
end
${TRIM_SEEN(3)}
return out`;

/** ARGV: prefix, user. Answers {sockets, since or false, last seen or false}. */
export const GET = `local p = ARGV[1]
return {
  redis.call('HLEN', p .. 'presence:sockets:' .. ARGV[2]),
  redis.call('ZSCORE', p .. 'presence:online', ARGV[2]),
  redis.call('ZSCORE', p .. 'presence:seen', ARGV[2]),
}`;

/** ARGV: prefix. Answers {online count, user, since, sockets…, user, last seen…}. */
export const LIST = `local p = ARGV[1]
local online = redis.call('ZRANGE', p .. 'presence:online', 0, -1, 'WITHSCORES')
local out = {#online / 2}
for i = 1, #online, 2 do
  out[#out + 1] = online[i]
  out[#out + 1] = online[i + 1]
  out[#out + 1] = redis.call('HLEN', p .. 'presence:sockets:' .. online[i])
end
local seen = redis.call('ZREVRANGE', p .. 'presence:seen', 0, -1, 'WITHSCORES')
for i = 1, #seen do out[#out + 1] = seen[i] end
return out`;
