local fresh = 0
if (KEYS[3] == nil or redis.call('EXISTS', KEYS[3]) == 0)
  and redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then fresh = 1 end
local h = redis.call('HMGET', KEYS[2], 'v', 's')
return {fresh, h[1], h[2]}
