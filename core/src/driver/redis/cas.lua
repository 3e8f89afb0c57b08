local h = redis.call('HMGET', KEYS[1], 'v', 's')
local v = h[1] or '0'
if v ~= ARGV[1] then return {0, h[1], h[2]} end
local n = tostring(tonumber(v) + 1)
redis.call('HSET', KEYS[1], 'v', n, 's', ARGV[2])
return {1, n}
