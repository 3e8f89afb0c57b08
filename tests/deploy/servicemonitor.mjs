// Validates ServiceMonitor objects against the prometheus-operator CRD's OpenAPI schema, as
// compiled by @kubernetes-models/prometheus-operator (offline). Reads a JSON array of objects on
// stdin; writes a JSON array of {name, ok, error} on stdout.
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const results = JSON.parse(input).map((obj) => {
  const name = obj?.metadata?.name ?? "";
  if (obj?.apiVersion !== ServiceMonitor.apiVersion || obj?.kind !== ServiceMonitor.kind) {
    return { name, ok: false, error: `not a ${ServiceMonitor.apiVersion} ${ServiceMonitor.kind}` };
  }
  try {
    new ServiceMonitor(obj).validate();
    return { name, ok: true, error: null };
  } catch (e) {
    return { name, ok: false, error: String(e?.message ?? e) };
  }
});
process.stdout.write(JSON.stringify(results) + "\n");
