// The approval prompt: asks the service worker for the prompt the core built
// (every text already redacted), shows it with a countdown to the deadline and
// sends the owner's click back. Closing the window is a denial (the worker
// watches chrome.windows.onRemoved). Text goes in with textContent only.
const id = new URLSearchParams(location.search).get("id") ?? "";
const $ = (k) => document.getElementById(k);

function show(prompt, deadlineMs) {
  $("usd").textContent = `$${prompt.amount_usd}`;
  $("token").textContent = prompt.token_amount !== null && prompt.symbol !== null
    ? `${prompt.token_amount} ${prompt.symbol}` : `${prompt.amount} atomic units`;
  for (const k of ["pay_to", "network", "asset", "description"]) $(k).textContent = prompt[k];
  $("url").textContent = prompt.resource_url;
  const tick = () => {
    const left = Math.max(0, Math.ceil((deadlineMs - Date.now()) / 1000));
    $("countdown").textContent = left > 0 ? `Expires in ${left} s` : "Expired";
    if (left === 0) {
      for (const b of ["approve", "deny"]) $(b).disabled = true;
      clearInterval(timer);
    }
  };
  const timer = setInterval(tick, 250);
  tick();
}

async function vote(v) {
  for (const b of ["approve", "deny"]) $(b).disabled = true;
  await chrome.runtime.sendMessage({ type: "presidio-human-vote", id, vote: v });
  window.close();
}

$("approve").addEventListener("click", () => vote("approve"));
$("deny").addEventListener("click", () => vote("deny"));

const got = await chrome.runtime.sendMessage({ type: "presidio-human-prompt", id });
if (got?.prompt) show(got.prompt, got.deadlineMs);
else {
  $("countdown").textContent = "This request has expired.";
  for (const b of ["approve", "deny"]) $(b).disabled = true;
}
