/**
 * The Lua scripts of the Redis store. Each runs atomically, so a push is numbered and kept
 * in one step and a resume never reads a log half written; Redis tells the time (`TIME`),
 * so the age of a push does not depend on the clocks of the server processes.
 *
 * Keys of one session (KEYS[1..3]): a hash (`head`: last push number, `floor`: highest
 * contiguous message id, `owner`: the store of the server that resumed it last, `fanout`:
 * the fan-out mark, see APPEND_ONE), the stream
 * of pushes (fields `s`: number, `b`: payload), and the dedupe bitmap above `floor`.
 */

/**
 * Ends the script with `answer` unless the store of ARGV[`ownerArg`] holds the session: when
 * another one resumed it since, or when the session is gone (it expired, or Redis restarted
 * without its data): the session must then be resumed again, and its worker resyncs.
 */
const notHeld = (ownerArg: number, answer: number) =>
  `local owner = redis.call('HGET', KEYS[1], 'owner')
if owner ~= ARGV[${ownerArg}] then return ${answer} end`;

/** Pushes between two trims of a stream. */
export const TRIM_EVERY = 32;

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * `add(stream, seq, body)` keeps push `seq` (ARGV 2-4: maxCount, maxAge ms, ttl ms); the
 * caller sets the hash's head to it, in the same HSET as the mark. The stream is trimmed every TRIM_EVERY pushes, by count (MAXLEN ~) and by age
 * (MINID, by Redis's clock): a trim on each push would double its cost, and READ applies
 * the limits exactly anyway. The hash has its TTL from READ and TOUCH, which renew the
 * stream's too; the stream gets its own when its first push creates it (checked every
 * TRIM_EVERY pushes, not on each).
 */
const ADD = `local function add(stream, seq, body)
  redis.call('XADD', stream, '*', 's', seq, 'b', body)
  if seq % ${TRIM_EVERY} == 0 then
    ${NOW}
    redis.call('XTRIM', stream, 'MAXLEN', '~', ARGV[2])
    redis.call('XTRIM', stream, 'MINID', math.max(now - tonumber(ARGV[3]), 0))
  end
  if seq % ${TRIM_EVERY} == 1 and redis.call('PTTL', stream) < 0 then
    redis.call('PEXPIRE', stream, ARGV[4])
  end
end`;

/**
 * Appends to the session KEYS[i] (hash), KEYS[i + 1] (stream) if the store of ARGV[5]
 * holds it; leaves its number in `seq`: -1 when not held, 0 when the session has that
 * fan-out already. The hash's `fanout` field is the fan-out mark: every fan-out up to it
 * that was for the session is in its stream. ARGV[6] is '' (no fan-out log), or a number
 * and ARGV[7] says what it is: 'f', this push is that fan-out (skipped if at or below the
 * mark); 'p', this server had made every fan-out up to it (the mark rises to it).
 */
const APPEND_ONE = `local seq = -1
local held = redis.call('HMGET', KEYS[i], 'owner', 'fanout', 'head')
if held[1] == ARGV[5] then
  local mark = tonumber(held[2] or '-1')
  local made = tonumber(ARGV[6])
  if made ~= nil and ARGV[7] == 'f' and made <= mark then
    seq = 0
  else
    seq = tonumber(held[3] or '0') + 1
    add(KEYS[i + 1], seq, ARGV[1])
    if made ~= nil and made > mark then
      redis.call('HSET', KEYS[i], 'head', seq, 'fanout', ARGV[6])
    else
      redis.call('HSET', KEYS[i], 'head', seq)
    end
  end
end`;

/**
 * ARGV: body, maxCount, maxAge ms, ttl ms, owner, fan-out mark, its kind. Answers the
 * push's number, -1 (keeping nothing) when the store of `owner` does not hold the session,
 * 0 when it has this fan-out already.
 */
export const APPEND = `${ADD}
local i = 1
${APPEND_ONE}
return seq`;

/** APPEND for many sessions: KEYS are hash, stream, hash, stream…; answers their numbers. */
export const APPEND_MANY = `${ADD}
local out = {}
for i = 1, #KEYS, 2 do
  ${APPEND_ONE}
  out[#out + 1] = seq
end
return out`;

/**
 * ARGV: last ('' for none), maxCount, maxAge ms, ttl ms, owner, then, with a fan-out log:
 * the last fan-out this server made, the mark from which its log is complete, and the
 * fan-outs it remembers for the session (number, body…, oldest first; body '' for one that
 * may be: a topic publish, as the worker names its topics after the resume). The store of
 * `owner` holds the session from then on.
 *
 * Catch-up: the fan-outs after the session's mark were not logged by its previous server
 * (it died, or it had not made them yet); those this server made are appended first, so
 * they are in the replay. When the log does not reach back to the mark, or a fan-out after
 * it may be the session's, what was missed cannot be known: the worker resyncs. The mark
 * then rises to this server's last fan-out.
 *
 * Answers {head, 0, caught} when the pushes after last are not all kept (or last is out of
 * range), else {head, 1, caught, seq, body, seq, body…}; caught is 1 when the catch-up ran. Trimming with ~ keeps a little more than the
 * limits: the limits are applied here exactly.
 */
export const READ = `${ADD}
local known = redis.call('HMGET', KEYS[1], 'owner', 'fanout', 'head')
redis.call('HSET', KEYS[1], 'owner', ARGV[5])
local complete = true
local caught = 0
if ARGV[6] ~= nil and ARGV[6] ~= '' then
  local mark = tonumber(known[2] or '-1')
  if known[1] and mark >= 0 and ARGV[1] ~= '' then
    complete = mark >= tonumber(ARGV[7])
    for j = 8, #ARGV, 2 do
      if tonumber(ARGV[j]) > mark and ARGV[j + 1] == '' then complete = false end
    end
    if complete then
      caught = 1
      local seq = tonumber(known[3] or '0')
      for j = 8, #ARGV, 2 do
        if tonumber(ARGV[j]) > mark then
          seq = seq + 1
          add(KEYS[2], seq, ARGV[j + 1])
        end
      end
      redis.call('HSET', KEYS[1], 'head', seq)
    end
  end
  if tonumber(ARGV[6]) > mark then redis.call('HSET', KEYS[1], 'fanout', ARGV[6]) end
end
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[4]) end
local head = tonumber(redis.call('HGET', KEYS[1], 'head') or '0')
local last = tonumber(ARGV[1])
if not complete then return {head, 0, 0} end
if last == nil or last < 0 or last > head or last ~= math.floor(last) then return {head, 0, caught} end
local want = head - last
if want == 0 then return {head, 1, caught} end
if want > tonumber(ARGV[2]) then return {head, 0, caught} end
local entries = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', want)
if #entries < want then return {head, 0, caught} end
${NOW}
local oldest = entries[#entries]
if tonumber(string.match(oldest[1], '^(%d+)')) < now - tonumber(ARGV[3]) then return {head, 0, caught} end
if tonumber(oldest[2][2]) ~= last + 1 then return {head, 0, caught} end
local out = {head, 1, caught}
for i = #entries, 1, -1 do
  out[#out + 1] = entries[i][2][2]
  out[#out + 1] = entries[i][2][4]
end
return out`;

/**
 * ARGV: id, window, ttl ms. Answers 1 when the id was seen before, else records it and
 * answers 0. The algorithm of dedupe-window.ts: ids up to \`floor\` are seen, a bit each for
 * the \`window\` ids above it; an id further ahead gives up the oldest holes.
 */
export const SEEN = `local id = tonumber(ARGV[1])
local size = tonumber(ARGV[2])
local floor = tonumber(redis.call('HGET', KEYS[1], 'floor') or '0')
local seen = 0
if id <= floor then
  seen = 1
else
  if id > floor + size then
    local raised = id - size
    if raised - floor >= size then
      redis.call('DEL', KEYS[2])
    else
      for i = floor + 1, raised do redis.call('SETBIT', KEYS[2], i % size, 0) end
    end
    floor = raised
  end
  if redis.call('GETBIT', KEYS[2], id % size) == 1 then
    seen = 1
  else
    redis.call('SETBIT', KEYS[2], id % size, 1)
    while redis.call('GETBIT', KEYS[2], (floor + 1) % size) == 1 do
      floor = floor + 1
      redis.call('SETBIT', KEYS[2], floor % size, 0)
    end
  end
  redis.call('HSET', KEYS[1], 'floor', floor)
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return seen`;

/**
 * ARGV: ttl ms, owner, and '' or the last fan-out the owner made (the mark rises to it).
 * Keeps the session ttl more; answers 0 if owner's store does not hold it.
 */
export const TOUCH = `${notHeld(2, 0)}
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
if ARGV[3] ~= '' and tonumber(ARGV[3]) > tonumber(redis.call('HGET', KEYS[1], 'fanout') or '-1') then
  redis.call('HSET', KEYS[1], 'fanout', ARGV[3])
end
return 1`;

/**
 * KEYS: the fan-out counter. ARGV: channel, message. Numbers a fan-out and publishes
 * "<number> <message>" in one step, so every server gets them in the order of their
 * numbers. A counter that Redis lost starts again above any it gave: from Redis's time in
 * microseconds.
 */
const COUNTER = `if redis.call('EXISTS', KEYS[1]) == 0 then
  local t = redis.call('TIME')
  redis.call('SET', KEYS[1], string.format('%.0f', tonumber(t[1]) * 1000000 + tonumber(t[2])))
end`;

export const PUBLISH_FANOUT = `${COUNTER}
local n = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', ARGV[1], string.format('%.0f', n) .. ' ' .. ARGV[2])
return n`;

/** ARGV: owner. Deletes the session if the store of owner holds it. */
export const DROP = `${notHeld(1, 0)}
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
return 1`;

/** KEYS: the fan-out counter. Answers the last fan-out's number (see PUBLISH_FANOUT). */
export const LAST_FANOUT = `${COUNTER}
return redis.call('GET', KEYS[1])`;
