/** Deployment and gateway files that carry security configuration (rate limits, TLS, workers, headers). */
export type InfraKind =
  | 'nginx'
  | 'kong'
  | 'envoy'
  | 'serverless'
  | 'sam'
  | 'terraform'
  | 'dockerfile'
  | 'procfile'
  | 'compose'
  | 'kubernetes'
  | 'gunicorn';

const RULES: [RegExp, InfraKind][] = [
  [/(^|\/)nginx[^/]*\.conf$|\.nginx$|(^|\/)nginx\/.+\.conf$|(^|\/)(sites-available|sites-enabled|conf\.d)\/[^/]+$/i, 'nginx'],
  [/(^|\/)kong[^/]*\.(ya?ml|conf)$/i, 'kong'],
  [/(^|\/)envoy[^/]*\.ya?ml$/i, 'envoy'],
  [/(^|\/)serverless\.ya?ml$/i, 'serverless'],
  [/(^|\/)(template|samconfig)\.ya?ml$/i, 'sam'],
  [/\.tf$/i, 'terraform'],
  [/(^|\/)(Dockerfile|Containerfile)([.-][^/]*)?$/, 'dockerfile'],
  [/(^|\/)Procfile$/, 'procfile'],
  [/(^|\/)(docker-)?compose[^/]*\.ya?ml$/i, 'compose'],
  [/(^|\/)(k8s|kubernetes|deploy|deployment|manifests|helm|charts)\/.*\.ya?ml$/i, 'kubernetes'],
  [/(^|\/)gunicorn[^/]*\.conf(\.py)?$/i, 'gunicorn'],
];

export function infraKind(path: string): InfraKind | undefined {
  for (const [pattern, kind] of RULES) if (pattern.test(path)) return kind;
  return undefined;
}

/** Larger files are not configuration written by hand. */
export const MAX_INFRA_BYTES = 1024 * 1024;
