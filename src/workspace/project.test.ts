import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../model/types.js';
import { discoverWorkspace, type WorkspaceFile } from './discover.js';
import {
  FRAMEWORK_ENABLERS,
  detectProject,
  frameworksFor,
  normaliseDependency,
  parseComposerJson,
  parseGemfile,
  parseGoMod,
  parseGradle,
  parsePackageJson,
  parsePipfile,
  parsePom,
  parsePyproject,
  parseRequirements,
} from './project.js';
import { readTextFile } from './read.js';
import { declaredMajorAtLeast } from '../analysis/code.js';

describe('manifest parsers', () => {
  it('package.json: dependencies, devDependencies, peerDependencies', () => {
    const text = JSON.stringify({
      name: 'web',
      dependencies: { express: '^4.19.0', '@nestjs/core': '10.0.0' },
      devDependencies: { vitest: '3' },
      peerDependencies: { react: '*' },
      scripts: { start: 'node .' },
    });
    expect(parsePackageJson(text)).toEqual(['express', '@nestjs/core', 'vitest', 'react']);
  });

  it('requirements.txt: names without versions, extras, markers, options or comments', () => {
    const text = [
      '# production',
      'FastAPI[all]==0.110.0  # web',
      'SQLAlchemy>=2.0,<3',
      'python_jose[cryptography] ; python_version >= "3.8"',
      'zope.interface~=6.0',
      'requests @ https://example.com/requests.tar.gz',
      '-r base.txt',
      '--hash=sha256:abc',
      '-e git+https://github.com/org/flask-restx.git#egg=flask_restx',
      'uvicorn \\',
      '    --hash=sha256:def',
      '',
      'https://example.com/pkg.whl',
      './local-package',
    ].join('\n');
    expect(parseRequirements(text).map((name) => normaliseDependency('pypi', name))).toEqual([
      'fastapi',
      'sqlalchemy',
      'python-jose',
      'zope-interface',
      'requests',
      'flask-restx',
      'uvicorn',
    ]);
  });

  it('pyproject.toml: [project] dependencies (multi-line), optional groups and poetry tables', () => {
    const text = `
[build-system]
requires = ["hatchling"]

[project]
name = "payments"
dependencies = [
  "fastapi>=0.110",   # web framework
  'pydantic[email]>=2',
  "strawberry-graphql[fastapi]",
]
[project.optional-dependencies]
test = ["pytest", "httpx>=0.27"]

[tool.poetry.dependencies]
python = "^3.11"
Django = { version = "^5.0", extras = ["argon2"] }
djangorestframework = "^3.15"

[tool.poetry.group.dev.dependencies]
black = "*"

[tool.ruff]
line-length = 100
select = ["E", "F"]
`;
    expect(parsePyproject(text)).toEqual([
      'fastapi',
      'pydantic',
      'strawberry-graphql',
      'pytest',
      'httpx',
      'Django',
      'djangorestframework',
      'black',
    ]);
  });

  it('Pipfile: [packages] and [dev-packages]', () => {
    const text = `[[source]]
url = "https://pypi.org/simple"
verify_ssl = true

[packages]
flask = "*"
"flask-restful" = {version = ">=0.3"}
Flask_Login = "==0.6.3"

[dev-packages]
pytest = "*"

[requires]
python_version = "3.12"
`;
    expect(parsePipfile(text)).toEqual(['flask', 'flask-restful', 'Flask_Login', 'pytest']);
  });

  it('go.mod: single and block requires, indirect included, comments ignored', () => {
    const text = `module example.com/api

go 1.22

require github.com/gin-gonic/gin v1.9.1

require (
\tgithub.com/labstack/echo/v4 v4.11.4
\tgithub.com/go-chi/chi/v5 v5.0.12 // indirect
\t// github.com/commented/out v1.0.0
)

replace github.com/old/mod => ../mod
`;
    expect(parseGoMod(text).map((name) => normaliseDependency('go', name))).toEqual([
      'github.com/gin-gonic/gin',
      'github.com/labstack/echo',
      'github.com/go-chi/chi',
    ]);
  });

  it('pom.xml: artifactIds of <dependency> elements only', () => {
    const text = `<project>
  <parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId></parent>
  <artifactId>payments</artifactId>
  <dependencies>
    <dependency>
      <groupId>org.springframework.boot</groupId>
      <artifactId>spring-boot-starter-web</artifactId>
    </dependency>
    <!-- <dependency><artifactId>commented-out</artifactId></dependency> -->
    <dependency>
      <groupId>io.jsonwebtoken</groupId>
      <artifactId> jjwt-api </artifactId>
      <version>0.12.5</version>
    </dependency>
  </dependencies>
  <build><plugins><plugin><artifactId>maven-compiler-plugin</artifactId></plugin></plugins></build>
</project>`;
    expect(parsePom(text)).toEqual(['spring-boot-starter-web', 'jjwt-api']);
  });

  it('build.gradle and build.gradle.kts: coordinates in strings and the map form', () => {
    const groovy = `plugins { id 'org.springframework.boot' version '3.2.0' }
dependencies {
    implementation 'org.springframework.boot:spring-boot-starter-web'
    implementation platform('org.springframework.cloud:spring-cloud-dependencies:2023.0.0')
    testImplementation "org.junit.jupiter:junit-jupiter:5.10.0"
    compileOnly group: 'org.projectlombok', name: 'lombok', version: '1.18.30'
    // implementation 'com.example:commented:1.0'
}`;
    const kotlin = `dependencies {
    implementation("org.springframework.boot:spring-boot-starter-webflux")
    runtimeOnly("org.postgresql:postgresql:42.7.1")
    kapt("org.mapstruct:mapstruct-processor:1.5.5.Final")
}`;
    expect(parseGradle(groovy)).toEqual(['spring-boot-starter-web', 'spring-cloud-dependencies', 'junit-jupiter', 'lombok']);
    expect(parseGradle(kotlin)).toEqual(['spring-boot-starter-webflux', 'postgresql', 'mapstruct-processor']);
  });

  it('composer.json: require and require-dev without php and extensions', () => {
    const text = JSON.stringify({
      require: { php: '^8.2', 'ext-json': '*', 'laravel/framework': '^11.0', 'Laravel/Sanctum': '^4.0' },
      'require-dev': { 'phpunit/phpunit': '^10' },
    });
    expect(parseComposerJson(text)).toEqual(['laravel/framework', 'Laravel/Sanctum', 'phpunit/phpunit']);
  });

  it('Gemfile: gem lines', () => {
    const text = `source "https://rubygems.org"
ruby "3.3.0"
gem "rails", "~> 7.1"
gem 'devise'
gem("rack-attack")
  gem "pg", group: :production
# gem "commented"
group :development do
  gem "rubocop", require: false
end
`;
    expect(parseGemfile(text)).toEqual(['rails', 'devise', 'rack-attack', 'pg', 'rubocop']);
  });
});

describe('frameworks', () => {
  it('every framework enabler is already normalised for its ecosystem', () => {
    for (const enabler of Object.values(FRAMEWORK_ENABLERS)) {
      for (const dep of enabler.dependencies) expect(normaliseDependency(enabler.ecosystem, dep)).toBe(dep);
    }
  });

  it('matches enablers within their own ecosystem only', () => {
    expect(frameworksFor({ npm: ['flask', 'next', '@apollo/server'], pypi: ['express', 'connexion'] })).toEqual([
      'apollo',
      'flask',
      'nextjs',
    ]);
  });
});

describe('detectProject', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'apisec-project-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function put(relative: string, content: string): Promise<void> {
    await mkdir(dirname(join(root, relative)), { recursive: true });
    await writeFile(join(root, relative), content);
  }

  it('reads every manifest in the tree into normalised, sorted dependencies and frameworks', async () => {
    await put('backend/requirements.txt', 'Flask-RESTX==1.3\nDjango_Rest_Framework\n');
    await put('backend/requirements/dev.txt', 'pytest\n');
    await put('backend/app.py', 'x = 1\n');
    await put('web/package.json', JSON.stringify({ dependencies: { Express: '4', hono: '4' } }));
    await put('web/server.ts', 'export {};\n');
    await put('web/page.tsx', 'export {};\n');
    await put('svc/go.mod', 'module x\nrequire github.com/Gin-Gonic/gin v1.9.1\n');
    await put('svc/main.go', 'package main\n');
    await put('java/pom.xml', '<dependency><artifactId>spring-boot-starter-web</artifactId></dependency>');
    await put('php/composer.json', JSON.stringify({ require: { 'laravel/framework': '^11' } }));
    await put('rb/Gemfile', 'gem "rails"\n');
    await put('broken/package.json', '{ not json');
    const { files } = await discoverWorkspace(root);
    const diagnostics: Diagnostic[] = [];
    const project = await detectProject(root, files, readTextFile, diagnostics);
    expect(project).toEqual({
      root,
      languages: ['python', 'typescript', 'tsx', 'go'],
      frameworks: ['express', 'flask', 'gin', 'hono', 'laravel', 'rails', 'spring'],
      dependencies: {
        composer: ['laravel/framework'],
        go: ['github.com/gin-gonic/gin'],
        maven: ['spring-boot-starter-web'],
        npm: ['express', 'hono'],
        pypi: ['django-rest-framework', 'flask-restx', 'pytest'],
        rubygems: ['rails'],
      },
      versions: { 'npm:express': '4', 'npm:hono': '4', 'pypi:flask-restx': '==1.3' },
    });
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ level: 'warning', file: 'broken/package.json', source: 'workspace' });
    expect(diagnostics[0]?.message).toMatch(/^cannot parse manifest: /);
  });

  it('keeps the declared version ranges of npm and PyPI dependencies, for library defaults that changed between majors', async () => {
    await put('package.json', JSON.stringify({ dependencies: { jsonwebtoken: '^9.0.2' }, devDependencies: { 'express-jwt': '~5.3.1' } }));
    await put('requirements.txt', 'PyJWT==2.10.1\npython-jose[cryptography] >= 3.3.0\nrequests\n');
    await put('pyproject.toml', '[project]\ndependencies = ["fastapi>=0.110", "pyjwt<2"]\n');
    const { files } = await discoverWorkspace(root);
    const project = await detectProject(root, files, readTextFile);
    expect(project.versions).toMatchObject({ 'npm:jsonwebtoken': '^9.0.2', 'npm:express-jwt': '~5.3.1', 'pypi:python-jose': '>=3.3.0', 'pypi:fastapi': '>=0.110' });
    expect(project.versions?.['pypi:requests']).toBeUndefined();
    expect(declaredMajorAtLeast(project, 'npm:jsonwebtoken', 9)).toBe(true);
    expect(declaredMajorAtLeast(project, 'npm:express-jwt', 6)).toBe(false);
    expect(declaredMajorAtLeast(project, 'pypi:requests', 2)).toBeUndefined();
    // Two manifests disagree on PyJWT: the first one read wins, and `<2` never reads as "2 or later".
    expect(['==2.10.1', '<2']).toContain(project.versions?.['pypi:pyjwt']);
    expect(declaredMajorAtLeast({ ...project, versions: { 'pypi:pyjwt': '<2' } }, 'pypi:pyjwt', 2)).toBeUndefined();
  });

  it('accepts a reader that answers plain text or undefined', async () => {
    await put('pyproject.toml', '[project]\ndependencies = ["fastapi"]\n');
    await put('Pipfile', '[packages]\nariadne = "*"\n');
    const { files } = await discoverWorkspace(root);
    const plainReader = async (file: WorkspaceFile): Promise<string | undefined> => {
      if (file.path === 'Pipfile') return undefined;
      const read = await readTextFile(file);
      return 'text' in read ? read.text : undefined;
    };
    const project = await detectProject(root, files, plainReader);
    expect(project.dependencies).toEqual({ pypi: ['fastapi'] });
    expect(project.frameworks).toEqual(['fastapi']);
  });
});
