/**
 * The Lua scripts of the Redis store. Each runs atomically, so a resume never reads a
 * session half written.
 *
 * Keys of one session (KEYS[1..3]): a hash, its stream of direct pushes (fields `s`:
 * number, `m`: the last fan-out made before it, `b`: payload), and the dedupe bitmap
 * above `floor`. The hash: `owner` (the store of the server that resumed it last), two
 * anchors of its numbering (`ch`/`cm` and `ph`/`pm`: head and fan-out mark, see
 * session-numbering.ts), `interests` (JSON), `dfloor` (the newest direct push trimmed away),
 * and the dedupe window's `floor` and `top` (the highest id seen). A fan-out is never written per session: its number for a
 * session follows from the anchors, the interests and the fan-outs every server remembers.
 */

/**
 * Ends the script with `answer` unless the store of ARGV[`ownerArg`] holds the session: when
 * another one resumed it since, or when the session is gone (it expired, or Redis restarted
 * without its data): the session must then be resumed again, and its worker resyncs.
 */
const notHeld = (ownerArg: number, answer: number) =>
  `local owner = redis.call('HGET', KEYS[1], 'owner')
if owner ~= ARGV[${ownerArg}] then return ${answer} end`;

/**
 * KEYS: hash, stream, bits, the fan-out counter, and for a login's session its name by user
 * and id (a hash: `h` the session's hash, `k` its key, `e` set once a logout ended that
 * session, see END_NAME; see `ReplayStore.keyOfLogin`). ARGV:
 * owner, ttl ms, the fan-out mark and the interests (JSON) of a session created now, the
 * worker's last push (a large number for none), the session's key, '1' when the store owes
 * the worker a resync (a push not kept). The store of `owner` holds the session from then on.
 * Owed, a session Redis knew gets its hole now (both anchors one past any head it can have
 * had at the last fan-out numbered, counted from each anchor and the newest direct push, and
 * past last), so that a read elsewhere before the
 * store writes its own resyncs too (review 20a). A session unknown to Redis under a name that
 * names another one Redis keeps, or one a logout ended (`e`), is not created (answered '2', nothing written: review 25h, a
 * second stale resume would find it known), and leaves the name to that one. Answers {the last fan-out
 * numbered, ch, cm, ph, pm, interests, dfloor, newest direct push's number, 1 when the
 * session was created now (Redis did not know it), 2 when it did not know it and a name of
 * another session Redis keeps refused it (`ReplayRead.otherLogin`: created nothing), else 0, the highest message id seen
 * (`top`), the hole's head (0 for none), then the direct
 * pushes after the lowest of the anchors' heads and last (after last, when the one after it
 * is a direct push), oldest first: stream id, s, m, b...}.
 */
export const READ = `local fresh = '0'
if not redis.call('HGET', KEYS[1], 'ch') then
  fresh = '1'
  if KEYS[5] then
    local named = redis.call('HGET', KEYS[5], 'h')
    if named and named ~= KEYS[1] and (redis.call('EXISTS', named) == 1 or redis.call('HEXISTS', KEYS[5], 'e') == 1) then
      return {redis.call('GET', KEYS[4]) or '0', '0', ARGV[3], '0', ARGV[3], ARGV[4], '0', '0', '2', '0', '0'}
    end
  end
  redis.call('HSET', KEYS[1], 'ch', 0, 'cm', ARGV[3], 'ph', 0, 'pm', ARGV[3], 'interests', ARGV[4])
end
redis.call('HSET', KEYS[1], 'owner', ARGV[1])
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
if KEYS[5] then
  redis.call('HSET', KEYS[5], 'h', KEYS[1], 'k', ARGV[6])
  redis.call('HDEL', KEYS[5], 'e')
  redis.call('PEXPIRE', KEYS[5], ARGV[2])
end
local known = redis.call('HMGET', KEYS[1], 'ch', 'cm', 'ph', 'pm', 'interests', 'dfloor', 'top')
local last = tonumber(ARGV[5])
local from = math.min(tonumber(known[1]), tonumber(known[3]), last)
local out = {redis.call('GET', KEYS[4]) or '0', known[1], known[2], known[3], known[4], known[5], known[6] or '0', '0', fresh, known[7] or '0', '0'}
local found = {}
local top = '+'
local dmark
repeat
  local chunk = redis.call('XREVRANGE', KEYS[2], top, '-', 'COUNT', 64)
  if top == '+' and #chunk > 0 then
    out[8] = chunk[1][2][2]
    dmark = tonumber(chunk[1][2][4])
  end
  local done = #chunk < 64
  for _, entry in ipairs(chunk) do
    local seq = tonumber(entry[2][2])
    if seq <= from then done = true break end
    found[#found + 1] = entry
    -- The push after last is an anchor of its own: none older is needed.
    if seq == last + 1 then done = true break end
  end
  if #chunk > 0 then top = '(' .. chunk[#chunk][1] end
until done
if ARGV[7] == '1' and fresh == '0' then
  local counter = tonumber(out[1])
  -- The newest direct push is an anchor too: the fan-outs after its mark follow it.
  local head = last
  if dmark then head = math.max(head, tonumber(out[8]) + math.max(0, counter - dmark)) end
  for i = 1, 3, 2 do
    head = math.max(head, tonumber(known[i]) + math.max(0, counter - tonumber(known[i + 1])))
  end
  local mark = string.format('%.0f', math.max(counter, tonumber(known[2])))
  out[11] = string.format('%.0f', head + 1)
  redis.call('HSET', KEYS[1], 'ch', out[11], 'cm', mark, 'ph', out[11], 'pm', mark)
end
for i = #found, 1, -1 do
  local entry = found[i]
  out[#out + 1] = entry[1]
  out[#out + 1] = entry[2][2]
  out[#out + 1] = entry[2][4]
  out[#out + 1] = entry[2][6]
end
return out`;

/**
 * KEYS: hash, stream, bits and name (see READ; the hash for a session without one) of each
 * session, in fours. ARGV: owner, ttl ms, then five a session: ch, cm, ph, pm ('' keeps the
 * anchors) and interests ('' keeps them). Renews the sessions the store of `owner` holds,
 * and their names while those name them; answers 1 for each of those, 0 for the others.
 */
export const CHECKPOINT = `local out = {}
for i = 0, #KEYS / 4 - 1 do
  local hash = KEYS[i * 4 + 1]
  local a = 3 + i * 5
  if redis.call('HGET', hash, 'owner') == ARGV[1] then
    if ARGV[a] ~= '' then
      redis.call('HSET', hash, 'ch', ARGV[a], 'cm', ARGV[a + 1], 'ph', ARGV[a + 2], 'pm', ARGV[a + 3])
    end
    if ARGV[a + 4] ~= '' then redis.call('HSET', hash, 'interests', ARGV[a + 4]) end
    for j = 1, 3 do redis.call('PEXPIRE', KEYS[i * 4 + j], ARGV[2]) end
    local name = KEYS[i * 4 + 4]
    if redis.call('HGET', name, 'h') == hash then redis.call('PEXPIRE', name, ARGV[2]) end
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out`;

/**
 * KEYS: hash, stream, and the session's name (see READ) for a login's session. ARGV: owner,
 * ttl ms, number, fan-out mark, body, maxCount. Keeps a direct push if the store of `owner`
 * holds the session (answers 1, else 0), and at most maxCount of them: `dfloor` says the
 * newest it let go. Renews the session, and its name while that names it: a name that
 * expired before its session would let another login begin one under its id (review 25h).
 */
export const DIRECT = `${notHeld(1, 0)}
redis.call('XADD', KEYS[2], '*', 's', ARGV[3], 'm', ARGV[4], 'b', ARGV[5])
local excess = redis.call('XLEN', KEYS[2]) - tonumber(ARGV[6])
if excess > 0 then
  local gone = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', excess)
  redis.call('HSET', KEYS[1], 'dfloor', gone[#gone][2][2])
  redis.call('XTRIM', KEYS[2], 'MAXLEN', ARGV[6])
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
if KEYS[3] and redis.call('HGET', KEYS[3], 'h') == KEYS[1] then redis.call('PEXPIRE', KEYS[3], ARGV[2]) end
return 1`;

/** What SEEN_IF_KEPT answers for a session Redis does not keep. */
export const NOT_KEPT = -1;

/** What SEEN answers when the session is not the caller's (see `notHeld`): nothing is recorded. */
export const NOT_OWNED = 3;

/**
 * KEYS: hash, bits, and the session's name (see READ) when this store knows it: renewed with
 * the session while it names it (see DIRECT). ARGV: id, window, ttl ms, the claim (a token of this call, the same when it is made again),
 * a claim to take the id over from ('' for none), the owner ('' for a session another server
 * may hold: SEEN_IF_KEPT). Takes message `id` of the session for the claim: answers 0 when it
 * is new, 1 when it was seen before, and the claim that holds it when another does. The
 * algorithm of dedupe-window.ts: ids up to \`floor\` are seen, a bit each for the \`window\`
 * ids above it; an id further ahead gives up the oldest holes. \`top\` keeps the highest id
 * seen, for READ.
 *
 * A claim holds its id (field \`p<id>\`) until PASSED: its process passes the message on
 * first. Were the id only marked seen, a process dying between the mark and the app would
 * lose it, as its resend on another server is taken for a duplicate (review 18e). A resend
 * waits for the holder, and names it to take the id over once it waited long enough (the
 * wait is timed by the asker alone: no two servers' clocks are compared). Made again because
 * its answer was lost, a claim answers 0 again. A claim held \`window\` ids behind a new one
 * is given up, as the window gives up its holes: the fields of a session stay that many.
 *
 * A session of this server's that Redis lost (a restart) or another server resumed since
 * answers \`NOT_OWNED\`: an id recorded there would be dropped with it as the worker resumes
 * into a new session, and its resend under that one passed on again (reviews 18 and 18b).
 */
export const SEEN = `if ARGV[6] ~= '' and redis.call('HGET', KEYS[1], 'owner') ~= ARGV[6] then return ${NOT_OWNED} end
local id = tonumber(ARGV[1])
local held = 'p' .. ARGV[1]
local holder = redis.call('HGET', KEYS[1], held)
if holder then
  if holder ~= ARGV[4] and holder ~= ARGV[5] then return holder end
  redis.call('HSET', KEYS[1], held, ARGV[4])
  return 0
end
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
  if id > tonumber(redis.call('HGET', KEYS[1], 'top') or '0') then redis.call('HSET', KEYS[1], 'top', id) end
end
if seen == 0 then
  redis.call('HSET', KEYS[1], held, ARGV[4])
  redis.call('HDEL', KEYS[1], 'p' .. string.format('%d', id - size))
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
if KEYS[3] and redis.call('HGET', KEYS[3], 'h') == KEYS[1] then redis.call('PEXPIRE', KEYS[3], ARGV[3]) end
return seen`;

/** ARGV: id, claim. The claim's process passed message `id` on: a resend of it is seen. */
export const PASSED = `local held = 'p' .. ARGV[1]
if redis.call('HGET', KEYS[1], held) == ARGV[2] then redis.call('HDEL', KEYS[1], held) end
return 0`;

/** SEEN for a session Redis may no longer keep: answers NOT_KEPT and records nothing then. */
export const SEEN_IF_KEPT = `if redis.call('EXISTS', KEYS[1]) == 0 then return ${NOT_KEPT} end
${SEEN}`;

/**
 * KEYS: the fan-out counter, the fan-out stream. ARGV: channel, message, fan-outs kept, a
 * token of the call, '1' when it is made again (its answer was lost). Numbers a fan-out,
 * keeps it in the stream (about the last `kept`, with the token, for a server that starts
 * now) and publishes "<number> <message>" in one step, so every server gets them in the
 * order of their numbers. Made again, it answers the number the stream kept for the token
 * rather than fan out twice. A counter that Redis lost starts again above any it gave:
 * from Redis's time in microseconds.
 */
const COUNTER = `if redis.call('EXISTS', KEYS[1]) == 0 then
  local t = redis.call('TIME')
  redis.call('SET', KEYS[1], string.format('%.0f', tonumber(t[1]) * 1000000 + tonumber(t[2])))
end`;

/** Made again (ARGV[5] '1'), answers the number the call got if it ran (ARGV[4], its token). */
const RAN_ALREADY = `if ARGV[5] == '1' then
  for _, entry in ipairs(redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', ARGV[3])) do
    if entry[2][6] == ARGV[4] then return entry[2][2] end
  end
end`;

const NUMBER_AND_PUBLISH = `${COUNTER}
local n = string.format('%.0f', redis.call('INCR', KEYS[1]))
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'n', n, 'm', ARGV[2], 't', ARGV[4])
redis.call('PUBLISH', ARGV[1], n .. ' ' .. ARGV[2])
return n`;

export const PUBLISH_FANOUT = `${RAN_ALREADY}
${NUMBER_AND_PUBLISH}`;

/**
 * KEYS and ARGV of PUBLISH_FANOUT, then KEYS[3..5]: the hash, stream and bits of a session a
 * logout ended; ARGV[2], the end (see `SessionEnd`). Deletes the session and numbers its end
 * among the fan-outs in one step: a server that holds the session makes the end before any
 * fan-out made after it (one it missed, it reads from the fan-out stream or ends its sockets),
 * and a READ before it counts lower than the end's number (see `RedisReplayStore.ended`).
 */
export const END_SESSION = `${RAN_ALREADY}
redis.call('DEL', KEYS[3], KEYS[4], KEYS[5])
${NUMBER_AND_PUBLISH}`;

/** KEYS: a session's name (see READ). ARGV: the session's hash. Deletes it while it names it. */
export const FORGET_NAME = `if redis.call('HGET', KEYS[1], 'h') == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * KEYS: a session's name (see READ). ARGV: the session's hash, ttl ms. A logout ends the
 * session: while the name names it, it stays for the TTL, marked ended (`e`), so that a
 * fresh READ of the id by another login is refused still (review 25h), and `keyOfLogin`
 * answers none. Run before the session is deleted (review 25o).
 */
export const END_NAME = `if redis.call('HGET', KEYS[1], 'h') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'e', '1')
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

/** ARGV: owner. Deletes the session if the store of owner holds it. */
export const DROP = `${notHeld(1, 0)}
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
return 1`;

/**
 * KEYS: the fan-out counter, the fan-out stream. ARGV: how many. Answers the last fan-out's
 * number, then the last `how many` kept, newest first: stream id, number, message...
 */
export const RECENT_FANOUTS = `${COUNTER}
local out = {redis.call('GET', KEYS[1])}
for _, entry in ipairs(redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', ARGV[1])) do
  out[#out + 1] = entry[1]
  out[#out + 1] = entry[2][2]
  out[#out + 1] = entry[2][4]
end
return out`;
