import { startRedis, worker, REPLAY_KEY, AUDIT_KEY } from "./harness.mjs";
import Redis from "ioredis";
const r = await startRedis("/tmp/prb/redis2");
const mon = await new Redis(r.url).monitor();
const log = [];
mon.on("monitor", (t, args) => log.push(t + " " + args.map(a => a.length > 30 ? a.slice(0, 30) + "…" : a).join(" ")));
for (const kind of ["node", "py"]) {
  log.push("=== " + kind);
  const w = worker(kind, { mode: "spend", store: "redis", redisUrl: r.url, tenant: "t" + kind, replica: "r1", auditDir: "/tmp/prb", replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, attempts: 3, urlBase: "https://x.test", limitUsd: 1000 });
  await w.done;
  await new Promise(r => setTimeout(r, 200));
}
console.log(log.join("\n"));
mon.disconnect(); r.client.disconnect(); r.proc.kill();
