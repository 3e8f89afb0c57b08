local h = redis.call('HMGET', KEYS[1], 'v', 's')
local v = h[1] or '0'
if v ~= ARGV[1] then return {0, h[1], h[2]} end
if (redis.call('HGET', KEYS[2], 'seq') or '0') ~= ARGV[3] then return {3} end
if KEYS[3] ~= nil and (redis.call('EXISTS', KEYS[3]) == 1 or (KEYS[4] ~= nil and redis.call('EXISTS', KEYS[4]) == 1)) then return {2} end
local n = tostring(tonumber(v) + 1)
redis.call('HSET', KEYS[1], 'v', n, 's', ARGV[2])
redis.call('HSET', KEYS[2], 'seq', ARGV[4], 'mac', ARGV[5])
if KEYS[3] ~= nil then redis.call('SET', KEYS[3], '1', 'PX', ARGV[6]) end
return {1, n}
