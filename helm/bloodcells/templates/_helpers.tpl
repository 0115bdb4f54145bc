{{- define "bloodcells.labels" -}}
app.kubernetes.io/part-of: bloodcells
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "bloodcells.image" -}}
{{- $root := index . 0 -}}{{- $name := index . 1 -}}
{{- with $root.Values.image.registry }}{{ . }}/{{ end }}bloodcells/{{ $name }}:{{ $root.Values.image.tag }}
{{- end }}
