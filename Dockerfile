# syntax=docker/dockerfile:1
# presidio-x402-sidecar: the guard as an HTTP decision service (sidecar/), as a static binary on
# an empty base image.
#
#   docker build -t presidio-x402-sidecar:0.1.0 .
#   docker run --rm -p 8402:8402 -v "$PWD/policy.json:/etc/presidio-x402/policy.json:ro" \
#     -e X402_POLICY_FILE=/etc/presidio-x402/policy.json \
#     -e X402_AUDIT_KEY=<64 hex> -e X402_FINGERPRINT_KEY=<64 hex> presidio-x402-sidecar:0.1.0
#
# The build context is the repository root (this file's folder), not sidecar/: the sidecar is a
# member of the Cargo workspace and builds against core/ with the workspace's Cargo.lock, so the
# context must hold the workspace manifest, the lock file and every member (.dockerignore keeps
# just those). `make sidecar-static` runs the builder stage's cargo command on the host.

# ---- builder: a static x86_64-unknown-linux-musl binary ----------------------------------------
# Pinned to the toolchain the project is tested with (docs: Rust 1.95, Debian 12). Pin the digest
# too (rust:1.95.0-slim-bookworm@sha256:…) where you build: no registry was reachable here.
FROM rust:1.95.0-slim-bookworm AS builder

# musl-gcc for any C in the dependency tree (the TLS stack is rustls, so no OpenSSL is linked).
RUN apt-get update \
 && apt-get install -y --no-install-recommends musl-tools=1.2.3-1 \
 && rm -rf /var/lib/apt/lists/* \
 && rustup target add x86_64-unknown-linux-musl

WORKDIR /src
COPY . .

# The same command as `make sidecar-static`; --locked: exactly the dependencies of Cargo.lock.
# The binary is refused if it asks for a dynamic loader (not static).
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p presidio-x402-sidecar --target x86_64-unknown-linux-musl \
 && cp target/x86_64-unknown-linux-musl/release/presidio-x402-sidecar /presidio-x402-sidecar \
 && readelf -lW /presidio-x402-sidecar > /tmp/headers \
 && if grep -q INTERP /tmp/headers; then echo "not static: it asks for a dynamic loader" >&2; exit 1; fi \
 && mkdir -p /rootfs/var/lib/presidio-x402/state /rootfs/var/lib/presidio-x402/audit

# ---- final: the binary, the CA certificates and the licence files, nothing else -----------------------------------
FROM scratch

LABEL org.opencontainers.image.title="presidio-x402-sidecar" \
      org.opencontainers.image.description="x402 payment guard as an HTTP decision service" \
      org.opencontainers.image.source="https://github.com/presidio-hardened/presidio-hardened-x402" \
      org.opencontainers.image.licenses="MIT"

# CA certificates for rediss:// and approval webhooks over https (rustls reads SSL_CERT_FILE).
COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=builder /presidio-x402-sidecar /presidio-x402-sidecar
# The licence and the third-party notice (WordNet 3.1's, whose word lists the binary embeds): its
# terms ask for the notice on every copy.
COPY --from=builder /src/LICENSE /src/NOTICE /usr/share/doc/presidio-x402-sidecar/
# Writable state and audit directories owned by the runtime user (volumes replace them in Kubernetes).
COPY --from=builder --chown=65532:65532 /rootfs/var/lib/presidio-x402 /var/lib/presidio-x402

ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    X402_SIDECAR_LISTEN=0.0.0.0:8402 \
    X402_STATE_DIR=/var/lib/presidio-x402/state \
    X402_AUDIT_DIR=/var/lib/presidio-x402/audit

# Non-root, numeric (scratch has no /etc/passwd): Kubernetes' runAsNonRoot can check it.
USER 65532:65532
EXPOSE 8402

# No HEALTHCHECK: scratch has no shell and no curl to run one. Health is checked from outside:
# Kubernetes probes GET /healthz (liveness) and /readyz (readiness) on port 8402 (helm/), and
# `docker run` users can poll the same endpoints.
ENTRYPOINT ["/presidio-x402-sidecar"]
