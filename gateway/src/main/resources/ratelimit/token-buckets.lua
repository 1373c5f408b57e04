-- Token buckets, checked and taken together: a request passes only when every bucket named in KEYS has a
-- token, and then takes one from each (a request refused by one bucket does not drain the others).
-- KEYS: the buckets (hashes {t = tokens, ts = last update in ms}); ARGV: per_second_1, burst_1, per_second_2, ...
-- Returns {allowed 0/1, tokens left in the emptiest bucket, that bucket's burst, ms until it has a token}.
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local tokens = {}
local allowed = 1
for i = 1, #KEYS do
  local rate = tonumber(ARGV[2 * i - 1])
  local burst = tonumber(ARGV[2 * i])
  local state = redis.call('HMGET', KEYS[i], 't', 'ts')
  local t = tonumber(state[1])
  local ts = tonumber(state[2])
  if t == nil or ts == nil then
    t = burst
    ts = now
  end
  t = math.min(burst, t + math.max(0, now - ts) * rate / 1000)
  tokens[i] = t
  if t < 1 then
    allowed = 0
  end
end
local remaining = -1
local limit = 0
local wait = 0
for i = 1, #KEYS do
  local rate = tonumber(ARGV[2 * i - 1])
  local burst = tonumber(ARGV[2 * i])
  local t = tokens[i]
  if allowed == 1 then
    t = t - 1
  end
  redis.call('HSET', KEYS[i], 't', tostring(t), 'ts', tostring(now))
  -- a bucket left alone refills completely, and then it need not be stored at all
  redis.call('PEXPIRE', KEYS[i], math.ceil(burst * 1000 / rate) + 1000)
  local left = math.floor(t)
  if remaining < 0 or left < remaining then
    remaining = left
    limit = burst
  end
  if t < 1 then
    local ms = math.ceil((1 - t) * 1000 / rate)
    if ms > wait then
      wait = ms
    end
  end
end
return {allowed, remaining, limit, wait}
