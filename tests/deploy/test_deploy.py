"""make test-deploy: the Helm chart, the Dockerfile and the SOC 2 reference, checked offline.

What runs here (no helm binary, container daemon, registry or cluster is reachable):
- the chart is rendered by Helm's own Go SDK (v4, libhelm_c in the helm-python-sdk wheel): the
  seed's `--set` strings parsed by Helm's strvals parser, values.schema.json enforced, `helm lint`;
- every manifest is validated against the Kubernetes OpenAPI schemas (kubernetes-validate,
  strict: unknown fields are errors), and the ServiceMonitor against the prometheus-operator CRD
  schema (@kubernetes-models/prometheus-operator, Node);
- the policy ConfigMap is read back and loaded by the core (the Python package over the
  component), and its limits are paid against;
- the Dockerfile is linted (hadolint) and its stages parsed (dockerfile-parse); the build context
  that .dockerignore leaves (docker's own matcher) is a loadable Cargo workspace;
- the sidecar binary (the static one when `make sidecar-static` built it, else `make sidecar`'s test
  build of the same crate) starts with the environment the Deployment gives it and answers its probes;
- every path the SOC 2 reference cites exists, and every test it names is in its file.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import helm_python as helm
import kubernetes_validate
import pytest
import yaml
from dockerfile_parse import DockerfileParser

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "helm"
HERE = Path(__file__).resolve().parent
CORE_PYTHON = os.environ.get("DEPLOY_CORE_PYTHON", str(ROOT / ".cache/venv-python/bin/python"))
# The oldest Kubernetes the chart allows (Chart.yaml kubeVersion) and the newest schemas bundled.
KUBE_VERSIONS = ["1.25.0", kubernetes_validate.latest_version()]

# The seed's command, word for word (its agent id is a placeholder there).
SEED_SET = ["x402.agentId=my-agent", "x402.maxPerCallUsd=0.10", "x402.dailyLimitUsd=5.00",
            "serviceMonitor.enabled=true"]

FULL_SET = [*SEED_SET, "agent.image.repository=registry.example/agent", "agent.image.tag=1.2.3", "replicaCount=3",
            "store.type=redis", "redis.existingSecret=x402-redis", "keys.existingSecret=x402-keys",
            "auth.existingSecret=x402-token", "audit.existingClaim=x402-audit", "networkPolicy.enabled=true",
            "networkPolicy.from[0].namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name=monitoring",
            "serviceMonitor.labels.release=kube-prometheus-stack", "x402.windowSeconds=3600",
            "x402.policy.replay_ttl_seconds=600", "x402.policy.pii.action=block",
            "x402.policy.trusted_wallets[0]=0x209693Bc6afc0C5328bA36FaF03C514EF312287C"]

SCENARIOS = {
    "defaults": [],
    "seed": SEED_SET,
    "full": FULL_SET,
    "memory-store": [*SEED_SET, "store.type=memory"],
    "file-store-pvc": [*SEED_SET, "state.existingClaim=x402-state", "redis.url=", "auth.existingSecret=t"],
    "redis-url": [*SEED_SET, "store.type=redis", "redis.url=rediss://:pw@redis.example:6380/0", "replicaCount=2"],
}


def set_values(sets: list[str]) -> dict:
    """The values of `--set a=b --set c=d …`, parsed by Helm's own strvals parser. The Helm CLI
    parses each flag into one map in turn; one comma-joined expression does the same here (no
    value below holds a comma)."""
    assert not any("," in s for s in sets)
    return helm.parse_set_string(",".join(sets)) if sets else {}


def render(sets: list[str], name: str = "x402", namespace: str = "agents") -> list[dict]:
    """`helm install NAME ./helm --set …` rendered offline: the manifests, parsed."""
    with helm.Chart.load(str(CHART)) as chart:
        out = chart.render(set_values(sets), name=name, namespace=namespace, is_install=True)
    docs = []
    for path, text in sorted(out.items()):
        if path.endswith("NOTES.txt"):
            continue
        for doc in yaml.safe_load_all(text):
            if doc:
                doc["__template"] = path
                docs.append(doc)
    return docs


def by_kind(docs: list[dict], kind: str) -> list[dict]:
    return [d for d in docs if d["kind"] == kind]


def clean(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k != "__template"}


def policy_of(docs: list[dict]) -> dict:
    (cm,) = [d for d in by_kind(docs, "ConfigMap") if d["metadata"]["name"].endswith("-policy")]
    return json.loads(cm["data"]["policy.json"])


def container(docs: list[dict], name: str) -> dict:
    (dep,) = by_kind(docs, "Deployment")
    (c,) = [c for c in dep["spec"]["template"]["spec"]["containers"] if c["name"] == name]
    return c


def env_of(c: dict) -> dict:
    return {e["name"]: e for e in c.get("env", [])}


# ---- rendering --------------------------------------------------------------------------------


def test_seed_command_renders_every_resource():
    docs = render(SEED_SET)
    kinds = sorted(d["kind"] for d in docs)
    assert kinds == ["ConfigMap", "Deployment", "Secret", "Service", "ServiceAccount", "ServiceMonitor"]
    assert helm.helm_sdk_version().startswith("v4.")


def test_seed_set_strings_stay_exact_decimals():
    # Helm's strvals keeps 0.10 and 5.00 as strings (only integers become numbers), so the
    # policy carries the decimal text the operator typed, which the core parses exactly.
    assert set_values(SEED_SET)["x402"] == {"agentId": "my-agent", "maxPerCallUsd": "0.10", "dailyLimitUsd": "5.00"}


def test_helm_lint_strict_has_no_errors():
    for sets in (SEED_SET, FULL_SET):
        report = helm.lint(str(CHART), set_values(sets), strict=True)
        assert report["errors"] == [], report
        # severity 1 is INFO (e.g. "icon is recommended"); nothing at WARNING or above
        assert all(m["severity"] <= 1 for m in report["messages"]), report["messages"]


# ---- schemas ----------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
@pytest.mark.parametrize("kube", KUBE_VERSIONS)
def test_manifests_validate_against_kubernetes_schemas(scenario, kube):
    docs = render(SCENARIOS[scenario])
    checked = 0
    for d in docs:
        if d["apiVersion"].startswith("monitoring.coreos.com/"):
            continue  # a CRD: test_servicemonitor_validates_against_the_crd_schema
        kubernetes_validate.validate(clean(d), kube, strict=True)
        checked += 1
    assert checked >= 5


def test_validator_is_live():
    (dep,) = by_kind(render(SEED_SET), "Deployment")
    dep = clean(dep)
    dep["spec"]["template"]["spec"]["containers"][0]["securityContext"]["readOnlyRootFileSystem"] = True
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(dep, KUBE_VERSIONS[-1], strict=True)


def _validate_servicemonitors(objs: list[dict]) -> list[dict]:
    node = shutil.which("node")
    assert node, "node not found"
    assert (HERE / "node_modules/@kubernetes-models/prometheus-operator").is_dir(), "run make test-deploy (npm ci)"
    out = subprocess.run([node, str(HERE / "servicemonitor.mjs")], input=json.dumps(objs), capture_output=True,
                         text=True, cwd=HERE, timeout=60, check=True)
    return json.loads(out.stdout)


def test_servicemonitor_validates_against_the_crd_schema():
    sms = [clean(d) for s in ("seed", "full") for d in by_kind(render(SCENARIOS[s]), "ServiceMonitor")]
    assert len(sms) == 2
    results = _validate_servicemonitors(sms)
    assert all(r["ok"] for r in results), results
    # and the validator refuses a broken one (port must be a string)
    broken = json.loads(json.dumps(sms[0]))
    broken["spec"]["endpoints"][0]["port"] = 8402
    assert not _validate_servicemonitors([broken])[0]["ok"]


def test_servicemonitor_only_when_enabled_and_scrapes_metrics():
    assert by_kind(render([]), "ServiceMonitor") == []
    (sm,) = by_kind(render(FULL_SET), "ServiceMonitor")
    (svc,) = by_kind(render(FULL_SET), "Service")
    assert sm["spec"]["selector"]["matchLabels"].items() <= svc["metadata"]["labels"].items()
    (ep,) = sm["spec"]["endpoints"]
    assert ep["port"] == svc["spec"]["ports"][0]["name"] == "http" and ep["path"] == "/metrics"
    assert ep["authorization"]["credentials"] == {"name": "x402-token", "key": "token"}
    assert sm["metadata"]["labels"]["release"] == "kube-prometheus-stack"


def test_values_schema_refuses_bad_values():
    for bad in (["x402.maxPerCallUsd=abc"], ["x402.dailyLimitUsd=-1"], ["store.type=postgres"],
                ["x402.windowSeconds=0"], ["x402.policy.max_per_call_usd=9"], ["x402.agentId=" + "a" * 129]):
        with pytest.raises(helm.HelmValuesError):
            render(SEED_SET + bad)


def test_chart_refuses_settings_that_break_the_budget():
    cases = {
        "replicaCount=2 needs store.type=redis": ["replicaCount=2"],
        "store.type=redis needs redis.existingSecret": ["store.type=redis"],
        "not both": ["store.type=redis", "redis.url=redis://r:6379", "redis.existingSecret=s"],
    }
    for message, sets in cases.items():
        with pytest.raises(helm.HelmRenderError, match=re.escape(message)):
            render(SEED_SET + sets)


# ---- the policy -------------------------------------------------------------------------------


def core_policy(policy: dict, tmp_path: Path) -> dict:
    if not Path(CORE_PYTHON).exists():
        pytest.fail(f"{CORE_PYTHON} missing: make python-venv (make test-deploy depends on it)")
    f = tmp_path / "policy.json"
    f.write_text(json.dumps(policy), encoding="utf-8")
    out = subprocess.run([CORE_PYTHON, str(HERE / "core_policy.py"), str(f)], capture_output=True, text=True,
                         timeout=120, check=True)
    return json.loads(out.stdout)


def test_seed_policy_holds_exactly_the_values_set_and_the_core_enforces_them(tmp_path):
    policy = policy_of(render(SEED_SET))
    assert policy == {"agent_id": "my-agent", "max_per_call_usd": "0.10", "daily_limit_usd": "5.00",
                      "window_seconds": 86400}
    res = core_policy(policy, tmp_path)
    assert res["ok"], res
    # what the package hands the core (it leaves out the default window length)
    assert res["config"] == {k: v for k, v in policy.items() if k != "window_seconds"}
    # $0.10 passes, $0.11 is over the per-call limit; exactly $5.00 (50 x $0.10) fits the window
    assert res["probe"] == {"at_per_call": None, "cent_above_per_call": "policy-per-call-exceeded",
                            "window_refusal": "policy-window-exceeded", "window_allowed_usd": "5.00",
                            "window_payments": 50}


def test_default_and_full_policies_load_in_the_core(tmp_path):
    default = policy_of(render([], name="payments"))
    assert default == {"agent_id": "payments", "max_per_call_usd": "0.10", "daily_limit_usd": "5.00",
                       "window_seconds": 86400}
    full = policy_of(render(FULL_SET))
    assert full == {"agent_id": "my-agent", "max_per_call_usd": "0.10", "daily_limit_usd": "5.00",
                    "window_seconds": 3600, "replay_ttl_seconds": 600, "pii": {"action": "block"},
                    "trusted_wallets": ["0x209693Bc6afc0C5328bA36FaF03C514EF312287C"]}
    for p in (default, full):
        res = core_policy(p, tmp_path)
        assert res["ok"], res


def test_removed_limit_falls_back_to_the_core_default(tmp_path):
    policy = policy_of(render([*SEED_SET, "x402.maxPerCallUsd=null"]))
    assert "max_per_call_usd" not in policy
    res = core_policy(policy, tmp_path)
    # the core's default per-call limit ($1) applies, not "no limit"
    assert res["ok"] and res["config"].get("max_per_call_usd") is None


def test_the_core_rejects_what_the_chart_cannot_know(tmp_path):
    # x402.policy is copied as it is: a typo renders, and the core refuses it (the sidecar
    # then refuses to start, or keeps the old policy on reload).
    policy = policy_of(render([*SEED_SET, "x402.policy.max_per_cal_usd=1"]))
    assert policy["max_per_cal_usd"] == 1
    res = core_policy(policy, tmp_path)
    assert res == {"ok": False, "errors": [["max_per_cal_usd", "config-unknown-field"]]}


# ---- the pod ----------------------------------------------------------------------------------


def test_pod_security_and_probes():
    for sets in (SEED_SET, FULL_SET):
        docs = render(sets)
        (dep,) = by_kind(docs, "Deployment")
        pod = dep["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] > 0
        assert pod["automountServiceAccountToken"] is False
        for c in pod["containers"]:
            sc = c["securityContext"]
            assert sc["readOnlyRootFilesystem"] is True, c["name"]
            assert sc["allowPrivilegeEscalation"] is False, c["name"]
            assert sc["capabilities"]["drop"] == ["ALL"] and "add" not in sc["capabilities"], c["name"]
        side = container(docs, "presidio-x402")
        assert side["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
        assert side["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
        assert side["ports"] == [{"name": "http", "containerPort": 8402, "protocol": "TCP"}]
        assert side["resources"]["limits"] and side["resources"]["requests"]


def test_secrets_are_files_or_secret_refs_never_values():
    docs = render(FULL_SET)
    side = container(docs, "presidio-x402")
    env = env_of(side)
    for forbidden in ("X402_AUDIT_KEY", "X402_FINGERPRINT_KEY"):
        assert forbidden not in env
    assert env["X402_REDIS_URL"]["valueFrom"]["secretKeyRef"] == {"name": "x402-redis", "key": "redis-url"}
    assert env["X402_SIDECAR_TOKEN_FILE"]["value"] == "/var/run/secrets/presidio-x402/token/token"
    mounts = {m["mountPath"]: m for m in side["volumeMounts"]}
    for f in ("X402_AUDIT_KEY_FILE", "X402_FINGERPRINT_KEY_FILE"):
        assert os.path.dirname(env[f]["value"]) in mounts and mounts[os.path.dirname(env[f]["value"])]["readOnly"]
    (dep,) = by_kind(docs, "Deployment")
    vols = {v["name"]: v for v in dep["spec"]["template"]["spec"]["volumes"]}
    assert vols["keys"]["secret"]["secretName"] == "x402-keys"
    assert by_kind(docs, "Secret") == []  # every secret is the user's (existingSecret)
    assert vols["audit"]["persistentVolumeClaim"] == {"claimName": "x402-audit"}
    # the agent gets the loopback URL and the token, nothing else of the guard's
    agent = container(docs, "agent")
    assert agent["image"] == "registry.example/agent:1.2.3"
    assert env_of(agent)["X402_SIDECAR_URL"]["value"] == "http://127.0.0.1:8402"
    assert [m["mountPath"] for m in agent["volumeMounts"]] == ["/var/run/secrets/presidio-x402/token"]


def test_generated_keys_are_256_bit_hex_and_kept():
    import base64

    docs = render(SEED_SET)
    (secret,) = by_kind(docs, "Secret")
    assert secret["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    keys = {k: base64.b64decode(v).decode() for k, v in secret["data"].items()}
    assert sorted(keys) == ["audit-key", "fingerprint-key"]
    assert all(re.fullmatch(r"[0-9a-f]{64}", v) for v in keys.values()) and len(set(keys.values())) == 2


def test_sidecar_environment_matches_the_interface():
    for scenario, store in (("seed", "file"), ("memory-store", "memory"), ("full", "redis")):
        docs = render(SCENARIOS[scenario])
        env = env_of(container(docs, "presidio-x402"))
        assert env["X402_SIDECAR_LISTEN"]["value"] == "0.0.0.0:8402"
        assert env["X402_STORE"]["value"] == store
        assert ("X402_STATE_DIR" in env) == (store == "file")
        assert ("X402_REDIS_URL" in env) == (store == "redis")
        assert env["X402_REPLICA_ID"]["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.name"
        assert env["X402_AGENT_ID"]["value"] == "my-agent"
        (dep,) = by_kind(docs, "Deployment")
        assert dep["spec"]["strategy"]["type"] == ("RollingUpdate" if store == "redis" else "Recreate")
        # the policy file is the ConfigMap, mounted as a directory (so updates reach the sidecar)
        side = container(docs, "presidio-x402")
        mount = next(m for m in side["volumeMounts"] if m["name"] == "policy")
        assert "subPath" not in mount and env["X402_POLICY_FILE"]["value"] == mount["mountPath"] + "/policy.json"


# The sidecar's fixed interface (issue 16): the only X402_* variables the chart may give it.
SIDECAR_ENV = {"X402_SIDECAR_LISTEN", "X402_POLICY_FILE", "X402_STORE", "X402_STATE_DIR", "X402_REDIS_URL",
               "X402_AUDIT_DIR", "X402_REPLICA_ID", "X402_AUDIT_KEY_FILE", "X402_FINGERPRINT_KEY_FILE",
               "X402_AUDIT_KEY", "X402_FINGERPRINT_KEY", "X402_SIDECAR_TOKEN_FILE", "X402_AGENT_ID"}


def test_chart_speaks_only_the_sidecars_interface():
    used = set()
    for scenario in SCENARIOS.values():
        used |= {n for n in env_of(container(render(scenario), "presidio-x402")) if n.startswith("X402_")}
    assert used <= SIDECAR_ENV, used - SIDECAR_ENV
    assert used == SIDECAR_ENV - {"X402_AUDIT_KEY", "X402_FINGERPRINT_KEY"}  # keys only as files
    # the same names in the image's defaults
    final = _stages()[1]
    image_env = " ".join(i["value"] for i in final if i["instruction"] == "ENV")
    assert set(re.findall(r"X402_[A-Z_]+", image_env)) <= SIDECAR_ENV
    # and, once sidecar/ is there, in its sources (the merged tree: a renamed variable fails here)
    src = ROOT / "sidecar/src"
    if src.is_dir():
        text = "\n".join(f.read_text(errors="replace") for f in src.rglob("*.rs"))
        assert [n for n in sorted(used) if n not in text] == []


def test_network_policy_never_admits_everyone():
    (np_,) = by_kind(render([*SEED_SET, "networkPolicy.enabled=true"]), "NetworkPolicy")
    assert np_["spec"]["ingress"] == []
    (np_,) = by_kind(render(FULL_SET), "NetworkPolicy")
    (rule,) = np_["spec"]["ingress"]
    assert rule["from"] == [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}]


# ---- the Dockerfile ---------------------------------------------------------------------------


def test_hadolint_passes():
    hadolint = Path(sys.executable).with_name("hadolint")
    out = subprocess.run([str(hadolint), "--no-color", str(ROOT / "Dockerfile")], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr


def _stages() -> list[list[dict]]:
    parser = DockerfileParser(path=str(ROOT / "Dockerfile"))
    stages: list[list[dict]] = []
    for ins in parser.structure:
        if ins["instruction"] == "FROM":
            stages.append([])
        if stages:
            stages[-1].append(ins)
    return stages


def test_dockerfile_stages():
    builder, final = _stages()
    assert re.fullmatch(r"rust:\d+\.\d+\.\d+-slim-\w+ AS builder", builder[0]["value"]), builder[0]["value"]
    build = " ".join(i["value"] for i in builder if i["instruction"] == "RUN")
    assert "--target x86_64-unknown-linux-musl" in build and "--locked" in build and "INTERP" in build
    assert final[0]["value"] == "scratch"
    ins = {i["instruction"] for i in final}
    assert "RUN" not in ins and "HEALTHCHECK" not in ins and "ADD" not in ins
    copies = [i["value"] for i in final if i["instruction"] == "COPY"]
    assert all("--from=builder" in c for c in copies)
    assert {c.split()[-1] for c in copies} == {"/etc/ssl/certs/ca-certificates.crt", "/presidio-x402-sidecar",
                                              "/var/lib/presidio-x402", "/usr/share/doc/presidio-x402-sidecar/"}
    # the binary embeds WordNet-derived word lists: the image carries the licence and the notice
    (docs,) = [c.split() for c in copies if c.endswith("/usr/share/doc/presidio-x402-sidecar/")]
    assert {"/src/LICENSE", "/src/NOTICE"} <= set(docs)
    (user,) = [i["value"] for i in final if i["instruction"] == "USER"]
    uid, gid = user.split(":")
    assert uid.isdigit() and int(uid) > 0 and gid.isdigit()
    assert [i["value"] for i in final if i["instruction"] == "EXPOSE"] == ["8402"]
    assert [i["value"] for i in final if i["instruction"] == "ENTRYPOINT"] == ['["/presidio-x402-sidecar"]']
    # the chart runs the image as the same user
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    assert values["podSecurityContext"]["runAsUser"] == int(uid)


def test_dockerfile_builds_as_make_sidecar_static():
    (builder, _) = _stages()
    build = " ".join(i["value"] for i in builder if i["instruction"] == "RUN")
    cmd = re.search(r"cargo build [^&\\]+", build).group(0).split()
    make = subprocess.run(["make", "-n", "--no-print-directory", "sidecar-static"], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout
    assert " ".join(cmd[2:]) in make.replace("$(CARGO)", "cargo"), (cmd, make)


def test_docker_build_context_is_the_workspace(tmp_path):
    from docker.utils.build import exclude_paths

    patterns = [p.strip() for p in (ROOT / ".dockerignore").read_text().splitlines()
                if p.strip() and not p.startswith("#")]
    tracked = set(subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                                 check=True).stdout.split())
    context = sorted(p for p in exclude_paths(str(ROOT), patterns) if (ROOT / p).is_file())
    assert context, "empty build context"
    assert not [p for p in context if re.search(r"(^|/)(target|node_modules|\.cache|\.git)/", p)]
    # docker always sends the Dockerfile and .dockerignore; everything else is a tracked source file
    untracked = [p for p in context if p not in tracked and p not in ("Dockerfile", ".dockerignore")]
    assert untracked == [], "untracked files in the build context"
    size = sum((ROOT / p).stat().st_size for p in context)
    assert size < 20 * 1024 * 1024, size
    # every file a Rust source of the context includes at compile time is in the context too
    # (e.g. an OpenAPI document the sidecar serves from include_str!)
    inside = set(context)
    outside = []
    for p in context:
        if p.endswith(".rs"):
            for inc in re.findall(r'include_(?:str|bytes)!\(\s*"([^"]+)"\s*\)', (ROOT / p).read_text(errors="replace")):
                target = os.path.normpath(os.path.join(os.path.dirname(p), inc))
                if target not in inside:
                    outside.append(f"{p}: {inc}")
    assert outside == [], f"compile-time includes outside the build context (.dockerignore): {outside}"
    # the context alone is a Cargo workspace cargo can load, with the lock file
    for p in context:
        (tmp_path / p).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / p, tmp_path / p)
    assert (tmp_path / "Cargo.lock").exists()
    meta = subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps", "--offline"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert meta.returncode == 0, meta.stderr
    packages = {p["name"] for p in json.loads(meta.stdout)["packages"]}
    assert "presidio-x402-core" in packages
    assert {"LICENSE", "NOTICE"} <= inside, "the image's licence files are not in the build context"
    if (ROOT / "sidecar/Cargo.toml").exists():
        assert "presidio-x402-sidecar" in packages


# ---- the sidecar binary with the Deployment's environment --------------------------------------
# `make test-deploy` passes DEPLOY_SIDECAR_BIN: the static binary when `make sidecar-static` built it
# (that target checks it is static), else the test build of the same crate (`make sidecar`).

SIDECAR_BIN = Path(os.environ.get("DEPLOY_SIDECAR_BIN",
                                  ROOT / "target/x86_64-unknown-linux-musl/release/presidio-x402-sidecar"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:  # noqa: S310 - http:// on 127.0.0.1, built by this test
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_the_sidecar_starts_with_the_deployments_environment(tmp_path):
    assert SIDECAR_BIN.exists(), f"{SIDECAR_BIN}: build it with make sidecar (make test-deploy does)"
    docs = render(SEED_SET)
    env = {}
    for name, e in env_of(container(docs, "presidio-x402")).items():
        if "value" in e:
            env[name] = e["value"]
    # the pod's paths, moved under tmp_path; the key files and the policy as the pod has them
    (secret,) = by_kind(docs, "Secret")
    import base64

    for var, key in (("X402_AUDIT_KEY_FILE", "audit-key"), ("X402_FINGERPRINT_KEY_FILE", "fingerprint-key")):
        p = tmp_path / "keys" / key
        p.parent.mkdir(exist_ok=True)
        p.write_bytes(base64.b64decode(secret["data"][key]))
        env[var] = str(p)
    pol = tmp_path / "policy" / "policy.json"
    pol.parent.mkdir()
    (cm,) = [d for d in by_kind(docs, "ConfigMap")]
    pol.write_text(cm["data"]["policy.json"])
    env["X402_POLICY_FILE"] = str(pol)
    for var in ("X402_STATE_DIR", "X402_AUDIT_DIR"):
        d = tmp_path / var.lower()
        d.mkdir()
        env[var] = str(d)
    port = _free_port()
    env["X402_SIDECAR_LISTEN"] = f"127.0.0.1:{port}"
    env["X402_REPLICA_ID"] = "x402-presidio-x402-0"
    proc = subprocess.Popen([str(SIDECAR_BIN)], env={"PATH": "/usr/bin:/bin", **env}, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 20
        while True:
            try:
                status, _ = _get(base + "/healthz")
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode(errors="replace")
                assert time.time() < deadline, "no answer on /healthz"
                time.sleep(0.1)
        assert status == 200
        assert _get(base + "/readyz")[0] == 200
        status, body = _get(base + "/metrics")
        assert status == 200 and b"x402_payments_total" in body
        status, body = _get(base + "/openapi.json")
        assert status == 200 and "openapi" in json.loads(body)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ---- the SOC 2 reference ----------------------------------------------------------------------

SOC2 = ROOT / "docs/soc2-reference-architecture.md"


def test_soc2_reference_cites_only_what_exists():
    text = SOC2.read_text(encoding="utf-8")
    tracked = set(subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                                 check=True).stdout.split())
    cited = re.findall(r"`([A-Za-z0-9_.\-/]+\.[a-z]{1,5}|[A-Za-z0-9_.\-]+/[A-Za-z0-9_.\-/]*)(?:::([A-Za-z0-9_]+))?`",
                       text)
    paths = [(p, t) for p,
             t in cited if "/" in p and not p.startswith(("/", "http")) and not re.match(r"^(v\d|x402_)", p)]
    assert len(paths) >= 30, paths
    missing, no_test = [], []
    for p, test in paths:
        p = p.rstrip("/")
        exists = p in tracked or any(f.startswith(p + "/") for f in tracked)
        if not exists:
            missing.append(p)
        elif test and not re.search(rf"\b(fn|def|test\(|it\()\s*[\"']?{re.escape(test)}\b", (ROOT / p).read_text()):
            no_test.append(f"{p}::{test}")
    assert missing == [], f"cited but not in git ls-files: {missing}"
    assert no_test == [], f"cited tests not found in their files: {no_test}"
