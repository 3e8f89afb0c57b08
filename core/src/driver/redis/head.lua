local s = redis.call('HGET', KEYS[1], 'seq') or '0'
local ok = 0
if s == ARGV[1] then
  redis.call('HSET', KEYS[1], 'seq', ARGV[2], 'mac', ARGV[3])
  ok = 1
end
local h = redis.call('HMGET', KEYS[2], 'v', 's')
return {ok, h[1], h[2]}
