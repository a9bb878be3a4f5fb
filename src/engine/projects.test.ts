import { describe, expect, it } from 'vitest';
import type { SourceLanguage } from '../parsing/languages.js';
import type { WorkspaceFile } from '../workspace/discover.js';
import { splitProjects } from './projects.js';

/** A repository in memory: path → text. Sources get their language from the extension. */
function repo(files: Record<string, string>): { all: WorkspaceFile[]; sources: (language: SourceLanguage[]) => WorkspaceFile[]; read: (file: WorkspaceFile) => Promise<string | undefined>; reads: string[] } {
  const languageOf = (path: string): SourceLanguage | undefined =>
    path.endsWith('.py') ? 'python' : path.endsWith('.ts') ? 'typescript' : path.endsWith('.js') ? 'javascript' : path.endsWith('.go') ? 'go' : path.endsWith('.java') ? 'java' : path.endsWith('.php') ? 'php' : path.endsWith('.rb') ? 'ruby' : path.endsWith('.cs') ? 'csharp' : undefined;
  const all = Object.entries(files).map(([path, text]): WorkspaceFile => {
    const language = languageOf(path);
    return language ? { path, absolute: `/r/${path}`, size: text.length, kind: 'source', language } : { path, absolute: `/r/${path}`, size: text.length, kind: 'other' };
  });
  const reads: string[] = [];
  return {
    all,
    sources: (languages) => all.filter((file) => file.language !== undefined && languages.includes(file.language)),
    read: (file) => {
      reads.push(file.path);
      return Promise.resolve(files[file.path]);
    },
    reads,
  };
}

async function groups(family: string, languages: SourceLanguage[], files: Record<string, string>): Promise<string[][]> {
  const r = repo(files);
  const found = await splitProjects(family, r.sources(languages), r.all, r.read);
  return found.map((group) => group.files.map((file) => file.path).sort());
}

describe('independent projects of a language family', () => {
  it('keeps a family of one project whole and reads nothing', async () => {
    const r = repo({ 'requirements.txt': 'flask\n', 'app/main.py': 'from flask import Flask\n', 'app/routes.py': 'from app.main import app\n' });
    const found = await splitProjects('python', r.sources(['python']), r.all, r.read);
    expect(found.map((group) => group.files.length)).toEqual([2]);
    expect(r.reads).toEqual([]);
  });

  it('splits Python services that each import only their own package, and joins one with the shared library it imports', async () => {
    expect(
      await groups('python', ['python'], {
        'services/billing/requirements.txt': 'fastapi\n-e ../../libs/common\n',
        'services/billing/app/main.py': 'from fastapi import FastAPI\nfrom app.routes import router\n',
        'services/billing/app/routes.py': 'from common.auth import require_user\n',
        'services/catalog/requirements/base.txt': 'flask\n',
        'services/catalog/app/__init__.py': 'import app.views, os\n',
        'services/catalog/app/views.py': 'from flask import Blueprint\n',
        'libs/common/pyproject.toml': '[project]\nname = "acme-common"\n',
        'libs/common/src/common/auth.py': 'def require_user(): ...\n',
      }),
    ).toEqual([['libs/common/src/common/auth.py', 'services/billing/app/main.py', 'services/billing/app/routes.py'], ['services/catalog/app/__init__.py', 'services/catalog/app/views.py']]);
  });

  it('joins Python projects named in a settings string (INSTALLED_APPS, import_module)', async () => {
    expect(
      await groups('python', ['python'], {
        'site/pyproject.toml': '[project]\nname = "site"\n',
        'site/config/settings.py': 'INSTALLED_APPS = ["django.contrib.auth", "plugins_core.apps.CoreConfig"]\n',
        'plugins/pyproject.toml': '[project]\nname = "plugins"\n',
        'plugins/plugins_core/apps.py': 'class CoreConfig: ...\n',
      }),
    ).toEqual([['plugins/plugins_core/apps.py', 'site/config/settings.py']]);
  });

  it('joins JS packages through a workspace dependency or a relative import, and leaves the others apart', async () => {
    expect(
      await groups('js', ['javascript', 'typescript'], {
        'package.json': '{ "name": "monorepo", "private": true, "workspaces": ["packages/*"] }',
        'packages/api/package.json': '{ "name": "@acme/api", "dependencies": { "@acme/shared": "workspace:*", "express": "^4" } }',
        'packages/api/src/server.ts': "import express from 'express';\nimport { requireUser } from '@acme/shared/auth';\n",
        'packages/shared/package.json': '{ "name": "@acme/shared" }',
        'packages/shared/auth.ts': 'export function requireUser() {}\n',
        'packages/web/package.json': '{ "name": "@acme/web" }',
        'packages/web/src/app.ts': "import React from 'react';\n",
        'packages/admin/package.json': '{ "name": "@acme/admin" }',
        'packages/admin/index.js': "const guard = require('../web/src/app');\n",
      }),
    ).toEqual([['packages/admin/index.js', 'packages/web/src/app.ts'], ['packages/api/src/server.ts', 'packages/shared/auth.ts']]);
  });

  it('joins Go modules by module path or replace directive, not by a shared host prefix', async () => {
    expect(
      await groups('go', ['go'], {
        'gateway/go.mod': 'module github.com/acme/gateway\n\nrequire github.com/acme/authkit v0.0.0\nreplace github.com/acme/authkit => ../authkit\n',
        'gateway/main.go': 'package main\n\nimport (\n\t"net/http"\n\tjwt "github.com/acme/authkit/jwt"\n)\n',
        'authkit/go.mod': 'module github.com/acme/authkit\n',
        'authkit/jwt/jwt.go': 'package jwt\n',
        'ledger/go.mod': 'module github.com/acme/ledger\n',
        'ledger/main.go': 'package main\n\nimport "github.com/acme/ledger/internal/api"\n',
        'ledger/internal/api/api.go': 'package api\n',
      }),
    ).toEqual([['authkit/jwt/jwt.go', 'gateway/main.go'], ['ledger/internal/api/api.go', 'ledger/main.go']]);
  });

  it("joins Maven modules that import each other's packages; a parent's or a dependency's artifactId names no module", async () => {
    const pom = (artifact: string, dependencies = ''): string =>
      `<project><parent><artifactId>spring-boot-starter-parent</artifactId></parent><artifactId>${artifact}</artifactId><dependencies>${dependencies}<dependency><artifactId>spring-boot-starter-web</artifactId></dependency></dependencies></project>`;
    expect(
      await groups('jvm', ['java'], {
        'admin/pom.xml': pom('admin'),
        'admin/src/main/java/com/acme/admin/AdminController.java': 'package com.acme.admin;\n\nimport com.acme.security.JwtFilter;\n',
        'security/pom.xml': pom('security'),
        'security/src/main/java/com/acme/security/JwtFilter.java': 'package com.acme.security;\n',
        'orders/pom.xml': pom('orders'),
        'orders/src/main/java/com/acme/orders/OrderController.java': 'package com.acme.orders;\n\nimport org.springframework.web.bind.annotation.RestController;\n',
      }),
    ).toEqual([['admin/src/main/java/com/acme/admin/AdminController.java', 'security/src/main/java/com/acme/security/JwtFilter.java'], ['orders/src/main/java/com/acme/orders/OrderController.java']]);
  });

  it('splits Laravel apps that share the App namespace, and joins one with the package whose namespace it uses', async () => {
    expect(
      await groups('php', ['php'], {
        'shop/composer.json': '{ "name": "acme/shop", "repositories": [{ "type": "path", "url": "../packages/guard" }] }',
        'shop/app/Http/Controllers/CartController.php': '<?php\nnamespace App\\Http\\Controllers;\n\nuse Acme\\Guard\\Middleware\\TokenGuard;\n',
        'blog/composer.json': '{ "name": "acme/blog" }',
        'blog/app/Http/Controllers/PostController.php': '<?php\nnamespace App\\Http\\Controllers;\n\nuse Illuminate\\Http\\Request;\n',
        'packages/guard/composer.json': '{ "name": "acme/guard" }',
        'packages/guard/src/Middleware/TokenGuard.php': '<?php\nnamespace Acme\\Guard\\Middleware;\n',
      }),
    ).toEqual([['blog/app/Http/Controllers/PostController.php'], ['packages/guard/src/Middleware/TokenGuard.php', 'shop/app/Http/Controllers/CartController.php']]);
  });

  it("splits Rails apps that each define their own controllers, and joins an app with an engine whose constant it uses", async () => {
    expect(
      await groups('ruby', ['ruby'], {
        'store/Gemfile': "source 'https://rubygems.org'\ngem 'rails'\n",
        'store/app/controllers/application_controller.rb': 'class ApplicationController < ActionController::Base\n  include Sso::Authenticated\nend\n',
        'notes/Gemfile': "gem 'rails'\n",
        'notes/app/controllers/application_controller.rb': 'class ApplicationController < ActionController::API\nend\n',
        'engines/sso/sso.gemspec': 'Gem::Specification.new do |s|\n  s.name = "sso"\nend\n',
        'engines/sso/lib/sso.rb': 'module Sso\n  module Authenticated; end\nend\n',
      }),
    ).toEqual([['engines/sso/lib/sso.rb', 'store/app/controllers/application_controller.rb'], ['notes/app/controllers/application_controller.rb']]);
  });

  it('joins C# projects through a ProjectReference or a using of a namespace only the other declares', async () => {
    expect(
      await groups('csharp', ['csharp'], {
        'src/Api/Api.csproj': '<Project><ItemGroup><ProjectReference Include="..\\Domain\\Domain.csproj" /></ItemGroup></Project>',
        'src/Api/Program.cs': 'var app = WebApplication.Create(args);\n',
        'src/Domain/Domain.csproj': '<Project />',
        'src/Domain/Order.cs': 'namespace Shop.Domain;\npublic class Order {}\n',
        'src/Worker/Worker.csproj': '<Project />',
        'src/Worker/Program.cs': 'using Shop.Reporting;\n',
        'src/Reporting/Reporting.csproj': '<Project />',
        'src/Reporting/Report.cs': 'namespace Shop.Reporting;\n',
        'tools/Seeder/Seeder.csproj': '<Project />',
        'tools/Seeder/Program.cs': 'using System;\n',
      }),
    ).toEqual([['src/Api/Program.cs', 'src/Domain/Order.cs'], ['src/Reporting/Report.cs', 'src/Worker/Program.cs'], ['tools/Seeder/Program.cs']]);
  });
});
