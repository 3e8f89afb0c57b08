-- wrk script: whole payments through the sidecar, one connection per thread
-- (run wrk with -t N -c N). Each connection loops decide -> signed -> response
-- on a new URL each time (no replays); the sidecar runs the core's driver and
-- its store for every step. done() prints the completed payments.
local threads = {}
local next_id = 1

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local state, pid, n, paid, refused = "decide", nil, 0, 0, 0
local hdr = { ["Content-Type"] = "application/json" }
-- A well-behaved signer: exactly the approved payee and amount, valid for the offer's 60 s.
local function signed_body()
  return '{"payload":{"signature":"0x' .. string.rep("11", 65) .. '","authorization":{"from":"0x'
    .. string.rep("22", 20) .. '","to":"0x209693Bc6afc0C5328bA36FaF03C514EF312287C","value":"10000","validAfter":"0","validBefore":"'
    .. tostring(os.time() + 59) .. '","nonce":"0x' .. string.rep("00", 32) .. '"}}}'
end
-- base64 of {"success":true,"transaction":"0xab…ab","network":"base"}
local settled = "eyJzdWNjZXNzIjp0cnVlLCJ0cmFuc2FjdGlvbiI6IjB4YWJhYmFiYWJhYmFiYWJhYmFiYWJhYmFiYWJhYmFiYWJhYmFiYWJhYmFiYWJhYmFiYWJhYmFiYWJhYmFiYWJhYiIsIm5ldHdvcmsiOiJiYXNlIn0="
local response_body = '{"status":200,"settlement":"' .. settled .. '"}'

local function body402(url)
  return '{"x402Version":1,"error":"X-PAYMENT header is required","accepts":[{"scheme":"exact","network":"base",'
    .. '"maxAmountRequired":"10000","asset":"0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",'
    .. '"payTo":"0x209693Bc6afc0C5328bA36FaF03C514EF312287C","resource":"' .. url .. '","description":"one item",'
    .. '"mimeType":"application/json","maxTimeoutSeconds":60,"extra":{"name":"USD Coin","version":"2"}}]}'
end

function request()
  if state == "decide" then
    n = n + 1
    local url = "https://api.example.com/item/" .. tid .. "/" .. n .. "/" .. math.random(1, 1000000000)
    local body = '{"request":{"method":"GET","url":"' .. url .. '"},"response":{"status":402,'
      .. '"headers":{"content-type":"application/json"},"body":"' .. body402(url):gsub('"', '\\"') .. '"}}'
    return wrk.format("POST", "/v1/decide", hdr, body)
  elseif state == "signed" then
    return wrk.format("POST", "/v1/payments/" .. pid .. "/signed", hdr, signed_body())
  else
    return wrk.format("POST", "/v1/payments/" .. pid .. "/response", hdr, response_body)
  end
end

function response(status, headers, body)
  if state == "decide" then
    pid = body:match('"payment_id":"([^"]+)"')
    if status == 200 and body:find('"next":"sign"', 1, true) and pid then
      state = "signed"
    else
      refused = refused + 1
    end
  elseif state == "signed" then
    if body:find('"next":"send"', 1, true) then
      state = "response"
    else
      state = "decide"
      refused = refused + 1
    end
  else
    state = "decide"
    if body:find('"settlement":"settled"', 1, true) then paid = paid + 1 else refused = refused + 1 end
  end
  wrk.thread:set("paid", paid)
  wrk.thread:set("refused", refused)
end

function done(summary, latency, requests)
  local p, r = 0, 0
  for _, t in ipairs(threads) do
    p = p + (t:get("paid") or 0)
    r = r + (t:get("refused") or 0)
  end
  io.write(string.format("PAYMENTS paid=%d refused=%d duration_us=%d\n", p, r, summary.duration))
end
