// A fault-injecting TCP proxy for the Redis fault test (faults.test.mjs).
//
// Clients connect to the proxy; each connection gets its own upstream
// connection to Redis. Bytes are forwarded in order in both directions, and
// while faults are on, each chunk may be hit by one fault:
//
// * latency      every chunk waits `latencyMs` ± 50 % before it is forwarded
//                (order kept per direction);
// * drop         a request chunk is not forwarded; the connection is closed
//                (FIN): the command never ran;
// * reset        a request or reply chunk is not forwarded; both sides are
//                reset (RST): a command may have run, its reply is lost;
// * half-reply   half of a reply chunk is forwarded, then the connection is
//                closed: the client reads a cut RESP answer;
// * stall        a request chunk is held for good (a black hole): the client
//                sees nothing until its own timeout.
//
// Redis restarts are not the proxy's: the test kills and restarts
// redis-server behind it (an upstream that refuses a connection closes the
// client's at once).
import { createServer, connect } from "node:net";

/** Counts of what the proxy did, per fault. */
function zero() {
  return { connections: 0, upstreamRefused: 0, delayed: 0, drop: 0, reset: 0, "half-reply": 0, stall: 0 };
}

export class FaultProxy {
  /**
   * @param {number} upstreamPort Redis on 127.0.0.1.
   * @param {() => number} random uniform [0, 1) (seeded by the test, so a failing run can be replayed).
   */
  constructor(upstreamPort, random) {
    this.upstreamPort = upstreamPort;
    this.random = random;
    /** Per-chunk probabilities; all 0 = a transparent proxy. */
    this.faults = { latencyMs: 0, drop: 0, reset: 0, halfReply: 0, stall: 0 };
    this.stats = zero();
    this.conns = new Set();
    this.server = createServer((c) => this.#accept(c));
  }

  /** Listens on a free 127.0.0.1 port; resolves with it. */
  listen() {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => resolve((this.port = this.server.address().port)));
    });
  }

  /** Sets the faults (see the class notes); `{}` turns them all off. */
  set(faults) {
    this.faults = { latencyMs: 0, drop: 0, reset: 0, halfReply: 0, stall: 0, ...faults };
  }

  /**
   * Connections whose last forwarded bytes were a request (a command in flight, its answer not
   * yet back); with `script`, only those whose request runs a script (EVALSHA / EVAL: the
   * compare-and-set of a transaction, or of an audit head).
   */
  inFlight(script = false) {
    return [...this.conns].filter((k) => k.awaiting && !k.stalled && (!script || k.script)).length;
  }

  /** Closes every connection (stalled ones too) and the listener. */
  close() {
    for (const k of this.conns) k.kill(false);
    return new Promise((r) => this.server.close(() => r()));
  }

  #accept(client) {
    this.stats.connections++;
    const up = connect(this.upstreamPort, "127.0.0.1");
    const conn = { client, up, dead: false, stalled: false, queue: { c2u: Promise.resolve(), u2c: Promise.resolve() } };
    conn.kill = (rst) => {
      if (conn.dead) return;
      conn.dead = true;
      this.conns.delete(conn);
      if (rst) {
        client.resetAndDestroy();
        up.resetAndDestroy();
      } else {
        client.end();
        up.destroy();
        // A client that does not close its side is destroyed shortly after.
        setTimeout(() => client.destroy(), 100).unref();
      }
    };
    this.conns.add(conn);
    client.setNoDelay(true);
    up.setNoDelay(true);
    up.once("connect", () => (conn.upOpen = true));
    up.on("error", () => {
      if (!conn.upOpen && !conn.dead) this.stats.upstreamRefused++;
      conn.kill(false);
    });
    client.on("error", () => conn.kill(false));
    up.on("close", () => conn.kill(false));
    client.on("close", () => conn.kill(false));
    client.on("data", (d) => this.#chunk(conn, "c2u", d));
    up.on("data", (d) => this.#chunk(conn, "u2c", d));
  }

  /** Forwards one chunk after its latency, or hits it with a fault. */
  #chunk(conn, dir, data) {
    const f = this.faults;
    const delay = f.latencyMs > 0 ? f.latencyMs * (0.5 + this.random()) : 0;
    // Decide the fault now (the random stream stays in arrival order).
    const r = this.random();
    let fault = null;
    if (dir === "c2u") {
      if (r < f.drop) fault = "drop";
      else if (r < f.drop + f.reset) fault = "reset";
      else if (r < f.drop + f.reset + f.stall) fault = "stall";
    } else if (r < f.reset) fault = "reset";
    else if (r < f.reset + f.halfReply && data.length >= 2) fault = "half-reply";
    if (delay > 0) this.stats.delayed++;
    conn.queue[dir] = conn.queue[dir].then(async () => {
      if (delay > 0) await new Promise((res) => setTimeout(res, delay));
      if (conn.dead || conn.stalled) return;
      const to = dir === "c2u" ? conn.up : conn.client;
      if (fault) this.stats[fault]++;
      switch (fault) {
        case "drop":
          return conn.kill(false);
        case "reset":
          return conn.kill(true);
        case "stall":
          conn.stalled = true; // nothing more is forwarded either way; the client times out
          return;
        case "half-reply":
          to.write(data.subarray(0, Math.floor(data.length / 2)), () => conn.kill(false));
          return;
        default:
          to.write(data);
          conn.awaiting = dir === "c2u";
          if (dir === "c2u") conn.script = /\$(7\r\nEVALSHA|4\r\nEVAL)\r\n/i.test(data.toString("latin1"));
      }
    });
  }
}

/** A small seeded generator (mulberry32): the same seed, the same faults. */
export function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
