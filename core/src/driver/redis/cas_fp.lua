local h = redis.call('HMGET', KEYS[1], 'v', 's')
local v = h[1] or '0'
if v ~= ARGV[1] then return {0, h[1], h[2]} end
if redis.call('EXISTS', KEYS[2]) == 1 or (KEYS[3] ~= nil and redis.call('EXISTS', KEYS[3]) == 1) then return {2} end
local n = tostring(tonumber(v) + 1)
redis.call('HSET', KEYS[1], 'v', n, 's', ARGV[2])
redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
return {1, n}
