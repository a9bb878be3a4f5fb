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
  | 'gunicorn'
  /** CI pipelines and dependency bots: GitHub Actions, GitLab CI, CircleCI, Azure Pipelines, Bitbucket, Jenkins, Travis, Dependabot, Renovate. */
  | 'ci'
  /** Spring Boot / Micronaut / Quarkus `application.properties|yml`, and the JVM resources beside them. */
  | 'jvm-config'
  /** Maven `pom.xml` and Gradle `build.gradle(.kts)`: which modules of a multi-module build depend on which. */
  | 'jvm-build'
  /** Go `go.mod`: where each Go module of the repository starts. */
  | 'go-mod'
  /** Committed `.env` files (Laravel's `APP_DEBUG`, framework switches). */
  | 'dotenv'
  /** MyBatis mapper XML (`<mapper namespace="…">` statements). */
  | 'mybatis-mapper'
  /** Prisma schemas (`model ApiKey { … }`): the data model of Prisma projects. */
  | 'prisma'
  /** ASP.NET Core `appsettings*.json`. */
  | 'dotnet-config'
  /** Rails `config/secrets.yml` and plaintext `config/credentials*.yml` (not the encrypted `.yml.enc`). */
  | 'rails-config'
  /** Symfony `config/packages/security.yaml` (legacy `app/config/security.yml`): password hashers. */
  | 'symfony-security'
  /** A service's own settings read by name (Go viper / config structs): `config.yml`, `config/settings.toml`, `configs/*.json`. */
  | 'app-config';

const RULES: [RegExp, InfraKind][] = [
  // First: a workflow named `compose-test.yml` or `nginx.yml` is a pipeline, not that tool's configuration.
  [/(^|\/)\.github\/(workflows\/[^/]+\.ya?ml|dependabot\.ya?ml)$|(^|\/)\.gitlab-ci\.ya?ml$|(^|\/)\.circleci\/config\.ya?ml$|(^|\/)(azure-pipelines|bitbucket-pipelines|\.travis)\.ya?ml$|(^|\/)Jenkinsfile$|(^|\/)(renovate\.json5?|\.renovaterc(\.json5?)?|\.github\/renovate\.json5?)$/, 'ci'],
  [/(^|\/)(application|bootstrap)([-.][^/]*)?\.(properties|ya?ml)$|(^|\/)src\/main\/resources\/.*\.(properties|ya?ml)$/i, 'jvm-config'],
  [/(^|\/)(pom\.xml|build\.gradle(\.kts)?)$/, 'jvm-build'],
  [/(^|\/)go\.mod$/, 'go-mod'],
  [/(^|\/)(mappers?|mybatis)\/.*\.xml$|(Mapper|Dao|DAO)\.xml$/, 'mybatis-mapper'],
  [/\.prisma$/, 'prisma'],
  [/(^|\/)appsettings(\.[\w-]+)?\.json$/i, 'dotnet-config'],
  [/(^|\/)config\/(packages\/)?security\.ya?ml$/, 'symfony-security'],
  [/(^|\/)config\/(secrets|credentials)(\/[\w-]+|\.[\w-]+)?\.ya?ml$/, 'rails-config'],
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
  // Committed environment files (`.env`, `.env.production`); `.env.example` and ignored ones are not the deployment's.
  [/(^|\/)\.env(\.(?:production|prod|staging))?$/, 'dotenv'],
  [/(^|\/)(config|settings|conf)([.-][\w-]+)?\.(ya?ml|json|toml)$|(^|\/)(configs?|conf|settings)\/[^/]+\.(ya?ml|json|toml)$/i, 'app-config'],
];

export function infraKind(path: string): InfraKind | undefined {
  for (const [pattern, kind] of RULES) if (pattern.test(path)) return kind;
  return undefined;
}

/** Larger files are not configuration written by hand. */
export const MAX_INFRA_BYTES = 1024 * 1024;
