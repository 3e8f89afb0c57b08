{{/* Names and labels. */}}
{{- define "x402.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "x402.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "x402.selectorLabels" -}}
app.kubernetes.io/name: {{ include "x402.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "x402.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "x402.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "x402.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "x402.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding the HMAC keys: the user's, or the one this chart creates. */}}
{{- define "x402.keysSecret" -}}
{{- default (printf "%s-keys" (include "x402.fullname" .)) .Values.keys.existingSecret -}}
{{- end -}}

{{/* The Secret holding the Redis URL: the user's, or the one this chart creates from redis.url. */}}
{{- define "x402.redisSecret" -}}
{{- default (printf "%s-redis" (include "x402.fullname" .)) .Values.redis.existingSecret -}}
{{- end -}}

{{/*
Refusals: settings that would not hold the budget. Called by every manifest that depends on them,
so that no partial release renders.
*/}}
{{- define "x402.validate" -}}
{{- if and (gt (int .Values.replicaCount) 1) (ne .Values.store.type "redis") -}}
{{- fail (printf "replicaCount=%d needs store.type=redis: a %s store keeps one budget per pod, so %d pods would spend %d budgets" (int .Values.replicaCount) .Values.store.type (int .Values.replicaCount) (int .Values.replicaCount)) -}}
{{- end -}}
{{- if and (eq .Values.store.type "redis") (not .Values.redis.existingSecret) (not .Values.redis.url) -}}
{{- fail "store.type=redis needs redis.existingSecret (a Secret holding the URL) or redis.url" -}}
{{- end -}}
{{- if and .Values.redis.existingSecret .Values.redis.url -}}
{{- fail "set redis.existingSecret or redis.url, not both" -}}
{{- end -}}
{{- end -}}

{{/*
The policy (the core's configuration JSON) built from the values: the seed's keys mapped onto the
core's, then x402.policy's keys as they are. The schema forbids repeating a mapped key in
x402.policy; this refuses it too (a value file without the schema).
*/}}
{{- define "x402.policy" -}}
{{- $x := .Values.x402 -}}
{{- $p := dict "agent_id" (default .Release.Name $x.agentId) -}}
{{- /* A value removed with --set x402.maxPerCallUsd=null is left out: the core's default applies. */ -}}
{{- range $from, $to := dict "maxPerCallUsd" "max_per_call_usd" "dailyLimitUsd" "daily_limit_usd" "windowSeconds" "window_seconds" -}}
{{- if not (kindIs "invalid" (index $x $from)) -}}
{{- $_ := set $p $to (index $x $from) -}}
{{- end -}}
{{- end -}}
{{- if $x.perEndpoint -}}
{{- $_ := set $p "per_endpoint" $x.perEndpoint -}}
{{- end -}}
{{- range $k, $v := ($x.policy | default dict) -}}
{{- if or (hasKey $p $k) (eq $k "per_endpoint") (eq $k "replica_id") -}}
{{- fail (printf "x402.policy.%s: set it through its own value (x402.*), not x402.policy (replica_id: each pod is its own replica)" $k) -}}
{{- end -}}
{{- $_ := set $p $k $v -}}
{{- end -}}
{{- toPrettyJson $p -}}
{{- end -}}
