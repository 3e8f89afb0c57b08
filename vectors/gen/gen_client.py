"""Vectors for `client.spend-controls`: what a host does with an official x402 client's own spend controls.

The official clients (`@x402/core` >= 2.23, PyPI `x402` >= 2.25) run their spend controls while selecting a
requirement, before any hook, so a payment they refuse never reaches the guard's audit log. Under mode "off"
(the default of every host) the SDK's defaults are switched off and the guard's policy is the one in force;
controls the caller set are refused (put those limits in the policy). Under "keep" nothing changes.
`current` is what the host reads: "absent" (no setter), "off", "default" (unset or empty), "custom".
"""
from common import case, write

rows = []
for mode in ("off", "keep"):
    for current in ("absent", "off", "default", "custom"):
        if mode == "keep":
            rows.append(case(f"keep, {current}: left alone", {"mode": mode, "current": current}, {"action": "none"}))
        elif current == "default":
            rows.append(case("off, the SDK's defaults: switched off", {"mode": mode, "current": current},
                             {"action": "switch-off"}))
        elif current == "custom":
            rows.append(case("off, controls the caller set: refused (put them in the policy)",
                             {"mode": mode, "current": current}, code="config-client-spend-controls"))
        else:
            rows.append(case(f"off, {current}: nothing to do", {"mode": mode, "current": current}, {"action": "none"}))
bad = [
    case("an unknown mode", {"mode": "maybe", "current": "default"}, code="config-bad-type", flags=["Hostile"]),
    case("a mode that is not a string", {"mode": False, "current": "default"}, code="config-bad-type",
         flags=["Hostile"]),
    case("no mode", {"current": "default"}, code="config-bad-type"),
    case("an unknown reading of the client", {"mode": "off", "current": "some"}, code="invalid-input",
         flags=["Hostile"]),
    case("no reading of the client", {"mode": "off"}, code="invalid-input"),
    case("keep with an unknown reading", {"mode": "keep", "current": "some"}, code="invalid-input", flags=["Hostile"]),
]
write("client-spend-controls.json", "client.spend-controls",
      ["What a host does with an official x402 client's own spend controls when it hooks the guard in: the host "
       "reads the client's field ('absent', 'off', 'default', 'custom') and calls its setter when told."],
      [{"comment": "every mode and reading", "tests": rows}, {"comment": "bad input", "tests": bad}],
      {"Hostile": "An input a host should never send."})
