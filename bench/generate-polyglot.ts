/**
 * A deterministic polyglot code tree for `npm run bench` (issue 13): API services in every language
 * apisec reads, written in the idioms of each framework's documentation — FastAPI, Django REST
 * framework, Flask, Express, NestJS, Fastify, Koa, gin, chi, net/http, Spring (with Spring Security),
 * Ktor, Laravel, Rails and ASP.NET Core (controllers and minimal APIs). Each service has its own
 * manifest, an entry point that mounts routers defined in other files, auth middleware, models and
 * services. Most files are 2–15 KB; a few route modules grow to 100 KB, 1 MB and 5 MB, and a few
 * minified bundles (10 KB to 5 MB, out of scope by default) sit in a static folder.
 *
 *   npx tsx bench/generate-polyglot.ts DIR [--lines 1000000]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { minifiedJs } from './hostile.js';

export const FRAMEWORKS = [
  'fastapi',
  'django',
  'flask',
  'express',
  'nestjs',
  'fastify',
  'koa',
  'gin',
  'chi',
  'net-http',
  'spring',
  'ktor',
  'laravel',
  'rails',
  'aspnetcore',
] as const;
export type Framework = (typeof FRAMEWORKS)[number];

const RESOURCES = [
  'orders',
  'invoices',
  'payments',
  'products',
  'customers',
  'shipments',
  'coupons',
  'reviews',
  'tickets',
  'projects',
  'teams',
  'reports',
  'webhooks',
  'subscriptions',
  'refunds',
  'notes',
  'tags',
  'warehouses',
  'suppliers',
  'contracts',
];
const DOMAINS = ['billing', 'catalog', 'fulfilment', 'support', 'identity', 'insights', 'partners', 'ledger', 'studio', 'commerce', 'logistics'];

const cap = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);
const one = (plural: string): string => plural.replace(/s$/, '');
const camel = (word: string): string => word.replace(/[-_](.)/g, (_, c: string) => c.toUpperCase());

/** One resource of a service: its plural name and how many extra actions it has beyond CRUD. */
interface Resource {
  name: string;
  extra: number;
}

interface ServiceInput {
  /** URL-safe service name, e.g. `billing2`. */
  name: string;
  resources: Resource[];
}

interface ServiceOutput {
  files: Record<string, string>;
  /** Routes a reader of the code counts (method + path pairs the service serves). */
  routes: number;
}

/** Extra actions: `POST|GET /{id}/step-k` — the shape of custom actions (archive, history, export…). */
const extraVerb = (k: number): 'get' | 'post' => (k % 2 === 0 ? 'post' : 'get');

// ---------------------------------------------------------------- Python

function fastapi({ name, resources }: ServiceInput): ServiceOutput {
  const files: Record<string, string> = {};
  // healthz, login, and what FastAPI serves itself: the OpenAPI document, /docs, its OAuth2 redirect, /redoc.
  let routes = 6;
  files['requirements.txt'] = 'fastapi==0.115.0\nuvicorn[standard]==0.30.6\nsqlalchemy==2.0.35\npydantic==2.9.2\npython-jose[cryptography]==3.3.0\n';
  files['app/main.py'] = `from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.api.router import api_router
from app.core.config import settings

app = FastAPI(title="${name}", openapi_url="/api/${name}/openapi.json")
app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.cors_origins,
    allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
    allow_headers=["Authorization", "Content-Type"],
)
app.include_router(api_router, prefix="/api/${name}")


@app.get("/healthz", include_in_schema=False)
def healthz():
    return {"status": "ok"}
`;
  files['app/core/config.py'] = `import os


class Settings:
    secret_key: str = os.environ["SECRET_KEY"]
    algorithm: str = "HS256"
    access_token_minutes: int = int(os.environ.get("ACCESS_TOKEN_MINUTES", "15"))
    cors_origins: list[str] = [origin for origin in os.environ.get("CORS_ORIGINS", "").split(",") if origin]


settings = Settings()
`;
  files['app/api/deps.py'] = `from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer
from jose import JWTError, jwt
from sqlalchemy.orm import Session

from app.core.config import settings
from app.db import SessionLocal
from app.models.user import User

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/${name}/login/access-token")


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


SessionDep = Annotated[Session, Depends(get_db)]


def get_current_user(db: SessionDep, token: Annotated[str, Depends(oauth2_scheme)]) -> User:
    credentials_error = HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail="Could not validate credentials")
    try:
        payload = jwt.decode(token, settings.secret_key, algorithms=[settings.algorithm])
    except JWTError:
        raise credentials_error
    user = db.get(User, payload.get("sub"))
    if user is None or not user.is_active:
        raise credentials_error
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def get_current_superuser(current_user: CurrentUser) -> User:
    if not current_user.is_superuser:
        raise HTTPException(status_code=403, detail="Not enough privileges")
    return current_user
`;
  files['app/db.py'] = `import os

from sqlalchemy import create_engine
from sqlalchemy.orm import DeclarativeBase, sessionmaker

engine = create_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)
SessionLocal = sessionmaker(bind=engine, autoflush=False)


class Base(DeclarativeBase):
    pass
`;
  files['app/models/user.py'] = `from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True, index=True)
    hashed_password: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_superuser: Mapped[bool] = mapped_column(Boolean, default=False)
`;
  files['app/api/routes/login.py'] = `from datetime import datetime, timedelta, timezone
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from fastapi.security import OAuth2PasswordRequestForm
from jose import jwt
from passlib.context import CryptContext

from app.api.deps import SessionDep
from app.core.config import settings
from app.models.user import User

router = APIRouter()
pwd_context = CryptContext(schemes=["bcrypt"], deprecated="auto")


@router.post("/login/access-token")
def login_access_token(db: SessionDep, form_data: Annotated[OAuth2PasswordRequestForm, Depends()]):
    user = db.query(User).filter(User.email == form_data.username).first()
    if user is None or not pwd_context.verify(form_data.password, user.hashed_password):
        raise HTTPException(status_code=400, detail="Incorrect email or password")
    expire = datetime.now(timezone.utc) + timedelta(minutes=settings.access_token_minutes)
    token = jwt.encode({"sub": str(user.id), "exp": expire}, settings.secret_key, algorithm=settings.algorithm)
    return {"access_token": token, "token_type": "bearer"}
`;
  const includes: string[] = [];
  for (const { name: res, extra } of resources) {
    const Model = cap(one(res));
    const r = one(res);
    includes.push(`api_router.include_router(${res}.router, prefix="/${res}", tags=["${res}"])`);
    routes += 5 + extra;
    files[`app/models/${r}.py`] = `from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, ForeignKey, Numeric, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class ${Model}(Base):
    __tablename__ = "${res}"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(32), default="draft")
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
`;
    files[`app/schemas/${r}.py`] = `from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class ${Model}Create(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    amount: Decimal = Field(default=0, ge=0)


class ${Model}Update(BaseModel):
    title: str | None = Field(default=None, max_length=200)
    status: str | None = Field(default=None, pattern="^(draft|open|closed)$")
    amount: Decimal | None = Field(default=None, ge=0)


class ${Model}Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    status: str
    amount: Decimal
    created_at: datetime
`;
    const extras: string[] = [];
    for (let k = 0; k < extra; k++) {
      extras.push(`

@router.${extraVerb(k)}("/{item_id}/step-${k}", response_model=${Model}Out)
def ${r}_step_${k}(item_id: int, db: SessionDep, current_user: CurrentUser, note: str | None = None):
    item = ${r}_service.get_owned(db, item_id, current_user.id)
    if item is None:
        raise HTTPException(status_code=404, detail="${Model} not found")
    if item.status == "closed" and ${k % 3} == 0:
        raise HTTPException(status_code=409, detail="${Model} is closed")
    item.status = "open" if note is None else note[:32]
    db.commit()
    return item`);
    }
    files[`app/api/routes/${res}.py`] = `from fastapi import APIRouter, Depends, HTTPException, Query

from app.api.deps import CurrentUser, SessionDep, get_current_superuser
from app.schemas.${r} import ${Model}Create, ${Model}Out, ${Model}Update
from app.services import ${r} as ${r}_service

router = APIRouter()


@router.get("/", response_model=list[${Model}Out])
def list_${res}(db: SessionDep, current_user: CurrentUser, skip: int = 0, limit: int = Query(default=50, le=200)):
    return ${r}_service.list_for_owner(db, current_user.id, skip=skip, limit=limit)


@router.get("/{item_id}", response_model=${Model}Out)
def read_${r}(item_id: int, db: SessionDep, current_user: CurrentUser):
    item = ${r}_service.get_owned(db, item_id, current_user.id)
    if item is None:
        raise HTTPException(status_code=404, detail="${Model} not found")
    return item


@router.post("/", response_model=${Model}Out, status_code=201)
def create_${r}(payload: ${Model}Create, db: SessionDep, current_user: CurrentUser):
    return ${r}_service.create(db, payload, owner_id=current_user.id)


@router.patch("/{item_id}", response_model=${Model}Out)
def update_${r}(item_id: int, payload: ${Model}Update, db: SessionDep, current_user: CurrentUser):
    item = ${r}_service.get_owned(db, item_id, current_user.id)
    if item is None:
        raise HTTPException(status_code=404, detail="${Model} not found")
    return ${r}_service.update(db, item, payload)


@router.delete("/{item_id}", dependencies=[Depends(get_current_superuser)], status_code=204)
def delete_${r}(item_id: int, db: SessionDep):
    ${r}_service.delete(db, item_id)${extras.join('')}
`;
    files[`app/services/${r}.py`] = `from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.${r} import ${Model}
from app.schemas.${r} import ${Model}Create, ${Model}Update


def list_for_owner(db: Session, owner_id: int, skip: int = 0, limit: int = 50) -> list[${Model}]:
    statement = select(${Model}).where(${Model}.owner_id == owner_id).order_by(${Model}.created_at.desc()).offset(skip).limit(limit)
    return list(db.scalars(statement))


def get_owned(db: Session, item_id: int, owner_id: int) -> ${Model} | None:
    return db.scalar(select(${Model}).where(${Model}.id == item_id, ${Model}.owner_id == owner_id))


def create(db: Session, payload: ${Model}Create, owner_id: int) -> ${Model}:
    item = ${Model}(**payload.model_dump(), owner_id=owner_id)
    db.add(item)
    db.commit()
    db.refresh(item)
    return item


def update(db: Session, item: ${Model}, payload: ${Model}Update) -> ${Model}:
    for field, value in payload.model_dump(exclude_unset=True).items():
        setattr(item, field, value)
    db.commit()
    db.refresh(item)
    return item


def delete(db: Session, item_id: int) -> None:
    item = db.get(${Model}, item_id)
    if item is not None:
        db.delete(item)
        db.commit()
`;
  }
  files['app/api/router.py'] = `from fastapi import APIRouter

from app.api.routes import login, ${resources.map((r) => r.name).join(', ')}

api_router = APIRouter()
api_router.include_router(login.router, tags=["login"])
${includes.join('\n')}
`;
  return { files, routes };
}

function django({ name, resources }: ServiceInput): ServiceOutput {
  const files: Record<string, string> = {};
  let routes = 1;
  files['requirements.txt'] = 'Django==5.1.2\ndjangorestframework==3.15.2\ndjangorestframework-simplejwt==5.3.1\n';
  files['manage.py'] = `#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
`;
  files['config/settings.py'] = `import os

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "").split(",")
ROOT_URLCONF = "config.urls"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rest_framework",
${resources.map((r) => `    "${r.name}",`).join('\n')}
]
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework_simplejwt.authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
`;
  files['config/urls.py'] = `from django.urls import include, path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response


@api_view(["GET"])
@permission_classes([AllowAny])
def health(request):
    return Response({"status": "ok"})


urlpatterns = [
    path("api/${name}/health/", health),
${resources.map((r) => `    path("api/${name}/", include("${r.name}.urls")),`).join('\n')}
]
`;
  for (const { name: res, extra } of resources) {
    const Model = cap(one(res));
    routes += 6 + extra;
    files[`${res}/__init__.py`] = '';
    files[`${res}/models.py`] = `from django.conf import settings
from django.db import models


class ${Model}(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="${res}")
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=32, default="draft")
    amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title
`;
    files[`${res}/serializers.py`] = `from rest_framework import serializers

from .models import ${Model}


class ${Model}Serializer(serializers.ModelSerializer):
    class Meta:
        model = ${Model}
        fields = ["id", "title", "status", "amount", "created_at"]
        read_only_fields = ["id", "created_at"]
`;
    files[`${res}/permissions.py`] = `from rest_framework import permissions


class IsOwner(permissions.BasePermission):
    def has_object_permission(self, request, view, obj):
        return obj.owner_id == request.user.id
`;
    const extras: string[] = [];
    for (let k = 0; k < extra; k++) {
      extras.push(`

    @action(detail=True, methods=["${extraVerb(k)}"], url_path="step-${k}")
    def step_${k}(self, request, pk=None):
        item = self.get_object()
        if item.status == "closed" and ${k % 3} == 0:
            return Response({"detail": "closed"}, status=status.HTTP_409_CONFLICT)
        item.status = request.data.get("status", "open")[:32]
        item.save(update_fields=["status"])
        return Response(self.get_serializer(item).data)`);
    }
    files[`${res}/views.py`] = `from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .models import ${Model}
from .permissions import IsOwner
from .serializers import ${Model}Serializer


class ${Model}ViewSet(viewsets.ModelViewSet):
    serializer_class = ${Model}Serializer
    permission_classes = [permissions.IsAuthenticated, IsOwner]

    def get_queryset(self):
        return ${Model}.objects.filter(owner=self.request.user)

    def perform_create(self, serializer):
        serializer.save(owner=self.request.user)${extras.join('')}
`;
    files[`${res}/urls.py`] = `from rest_framework.routers import SimpleRouter

from .views import ${Model}ViewSet

router = SimpleRouter()
router.register(r"${res}", ${Model}ViewSet, basename="${one(res)}")

urlpatterns = router.urls
`;
  }
  return { files, routes };
}

function flask({ name, resources }: ServiceInput): ServiceOutput {
  const files: Record<string, string> = {};
  let routes = 2;
  files['requirements.txt'] = 'Flask==3.0.3\nFlask-SQLAlchemy==3.1.1\nFlask-JWT-Extended==4.6.0\nmarshmallow==3.22.0\n';
  files['app/extensions.py'] = `from flask_jwt_extended import JWTManager
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
jwt = JWTManager()
`;
  files['app/auth.py'] = `from flask import Blueprint, jsonify, request
from flask_jwt_extended import create_access_token
from werkzeug.security import check_password_hash

from .extensions import db
from .models import User

bp = Blueprint("auth", __name__)


@bp.post("/login")
def login():
    data = request.get_json(silent=True) or {}
    user = db.session.execute(db.select(User).filter_by(email=data.get("email"))).scalar_one_or_none()
    if user is None or not check_password_hash(user.password_hash, data.get("password", "")):
        return jsonify(error="invalid credentials"), 401
    return jsonify(access_token=create_access_token(identity=str(user.id)))
`;
  files['app/models.py'] = `from .extensions import db


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(255), unique=True, nullable=False)
    password_hash = db.Column(db.String(255), nullable=False)
${resources
  .map(
    (r) => `

class ${cap(one(r.name))}(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    owner_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False, index=True)
    title = db.Column(db.String(200), nullable=False)
    status = db.Column(db.String(32), default="draft")

    def to_dict(self):
        return {"id": self.id, "title": self.title, "status": self.status}`,
  )
  .join('\n')}
`;
  for (const { name: res, extra } of resources) {
    const Model = cap(one(res));
    routes += 5 + extra;
    const extras: string[] = [];
    for (let k = 0; k < extra; k++) {
      extras.push(`

@bp.route("/<int:item_id>/step-${k}", methods=["${extraVerb(k).toUpperCase()}"])
@jwt_required()
def step_${k}(item_id):
    item = _owned_or_404(item_id)
    if item.status == "closed" and ${k % 3} == 0:
        abort(409)
    item.status = (request.get_json(silent=True) or {}).get("status", "open")[:32]
    db.session.commit()
    return jsonify(item.to_dict())`);
    }
    files[`app/${res}/__init__.py`] = '';
    files[`app/${res}/routes.py`] = `from flask import Blueprint, abort, jsonify, request
from flask_jwt_extended import get_jwt_identity, jwt_required

from ..extensions import db
from ..models import ${Model}

bp = Blueprint("${res}", __name__)


def _owned_or_404(item_id):
    item = db.session.execute(db.select(${Model}).filter_by(id=item_id, owner_id=int(get_jwt_identity()))).scalar_one_or_none()
    if item is None:
        abort(404)
    return item


@bp.get("/")
@jwt_required()
def list_${res}():
    page = request.args.get("page", 1, type=int)
    rows = db.paginate(db.select(${Model}).filter_by(owner_id=int(get_jwt_identity())), page=page, per_page=50)
    return jsonify([row.to_dict() for row in rows.items])


@bp.get("/<int:item_id>")
@jwt_required()
def get_${one(res)}(item_id):
    return jsonify(_owned_or_404(item_id).to_dict())


@bp.post("/")
@jwt_required()
def create_${one(res)}():
    data = request.get_json(silent=True) or {}
    item = ${Model}(title=str(data.get("title", ""))[:200], owner_id=int(get_jwt_identity()))
    db.session.add(item)
    db.session.commit()
    return jsonify(item.to_dict()), 201


@bp.route("/<int:item_id>", methods=["PUT"])
@jwt_required()
def update_${one(res)}(item_id):
    item = _owned_or_404(item_id)
    item.title = str((request.get_json(silent=True) or {}).get("title", item.title))[:200]
    db.session.commit()
    return jsonify(item.to_dict())


@bp.delete("/<int:item_id>")
@jwt_required()
def delete_${one(res)}(item_id):
    db.session.delete(_owned_or_404(item_id))
    db.session.commit()
    return "", 204${extras.join('')}
`;
  }
  files['app/__init__.py'] = `import os

from flask import Flask, jsonify

from .extensions import db, jwt


def create_app():
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    app.config["JWT_SECRET_KEY"] = os.environ["JWT_SECRET_KEY"]
    db.init_app(app)
    jwt.init_app(app)

    from . import auth
${resources.map((r) => `    from .${r.name}.routes import bp as ${r.name}_bp`).join('\n')}

    app.register_blueprint(auth.bp, url_prefix="/api/${name}/auth")
${resources.map((r) => `    app.register_blueprint(${r.name}_bp, url_prefix="/api/${name}/${r.name}")`).join('\n')}

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    return app
`;
  return { files, routes };
}

// ---------------------------------------------------------------- JavaScript / TypeScript

function express({ name, resources }: ServiceInput): ServiceOutput {
  const files: Record<string, string> = {};
  let routes = 2;
  files['package.json'] = JSON.stringify({ name: `${name}-api`, private: true, main: 'src/server.js', dependencies: { express: '^4.21.0', jsonwebtoken: '^9.0.2', helmet: '^7.1.0', 'express-rate-limit': '^7.4.0' } }, null, 2);
  files['src/server.js'] = `const app = require('./app');

const port = Number(process.env.PORT) || 3000;
app.listen(port, () => console.log(\`${name} listening on \${port}\`));
`;
  files['src/app.js'] = `const express = require('express');
const helmet = require('helmet');
const routes = require('./routes');

const app = express();
app.disable('x-powered-by');
app.use(helmet());
app.use(express.json({ limit: '100kb' }));

app.get('/healthz', (req, res) => res.json({ status: 'ok' }));
app.use('/api/${name}', routes);

app.use((err, req, res, next) => {
  console.error(err);
  res.status(err.status || 500).json({ error: 'internal error' });
});

module.exports = app;
`;
  files['src/middleware/auth.js'] = `const jwt = require('jsonwebtoken');

function requireAuth(req, res, next) {
  const header = req.headers.authorization || '';
  const token = header.startsWith('Bearer ') ? header.slice(7) : null;
  if (!token) return res.status(401).json({ error: 'missing token' });
  try {
    req.user = jwt.verify(token, process.env.JWT_SECRET, { algorithms: ['HS256'] });
    return next();
  } catch (err) {
    return res.status(401).json({ error: 'invalid token' });
  }
}

function requireRole(role) {
  return (req, res, next) => (req.user && req.user.roles.includes(role) ? next() : res.status(403).json({ error: 'forbidden' }));
}

module.exports = { requireAuth, requireRole };
`;
  files['src/routes/auth.js'] = `const express = require('express');
const rateLimit = require('express-rate-limit');
const authService = require('../services/auth');

const router = express.Router();

router.post('/login', rateLimit({ windowMs: 15 * 60 * 1000, max: 10 }), async (req, res, next) => {
  try {
    const token = await authService.login(String(req.body.email || ''), String(req.body.password || ''));
    if (!token) return res.status(401).json({ error: 'invalid credentials' });
    res.json({ token });
  } catch (err) {
    next(err);
  }
});

module.exports = router;
`;
  const mounts: string[] = ["router.use('/auth', require('./auth'));"];
  for (const { name: res, extra } of resources) {
    routes += 5 + extra;
    const Model = cap(one(res));
    mounts.push(`router.use('/${res}', require('./${res}'));`);
    const extras: string[] = [];
    for (let k = 0; k < extra; k++) {
      extras.push(`

router.${extraVerb(k)}('/:id/step-${k}', requireAuth, async (req, res, next) => {
  try {
    const item = await service.findOwned(req.params.id, req.user.sub);
    if (!item) return res.status(404).json({ error: '${one(res)} not found' });
    if (item.status === 'closed' && ${k % 3} === 0) return res.status(409).json({ error: 'closed' });
    res.json(await service.update(item.id, { status: String(req.body?.status || 'open').slice(0, 32) }));
  } catch (err) {
    next(err);
  }
});`);
    }
    files[`src/routes/${res}.js`] = `const express = require('express');
const { requireAuth, requireRole } = require('../middleware/auth');
const service = require('../services/${res}');

const router = express.Router();

router.get('/', requireAuth, async (req, res, next) => {
  try {
    const page = Math.max(1, Number(req.query.page) || 1);
    res.json(await service.listForOwner(req.user.sub, { page, limit: 50 }));
  } catch (err) {
    next(err);
  }
});

router.get('/:id', requireAuth, async (req, res, next) => {
  try {
    const item = await service.findOwned(req.params.id, req.user.sub);
    if (!item) return res.status(404).json({ error: '${one(res)} not found' });
    res.json(item);
  } catch (err) {
    next(err);
  }
});

router.post('/', requireAuth, async (req, res, next) => {
  try {
    const { title, amount } = req.body;
    res.status(201).json(await service.create({ title: String(title).slice(0, 200), amount: Number(amount) || 0, ownerId: req.user.sub }));
  } catch (err) {
    next(err);
  }
});

router.put('/:id', requireAuth, async (req, res, next) => {
  try {
    const item = await service.findOwned(req.params.id, req.user.sub);
    if (!item) return res.status(404).json({ error: '${one(res)} not found' });
    res.json(await service.update(item.id, { title: String(req.body.title).slice(0, 200) }));
  } catch (err) {
    next(err);
  }
});

router.delete('/:id', requireAuth, requireRole('admin'), async (req, res, next) => {
  try {
    await service.remove(req.params.id);
    res.status(204).end();
  } catch (err) {
    next(err);
  }
});${extras.join('')}

module.exports = router;
`;
    files[`src/services/${res}.js`] = `const db = require('../db');

async function listForOwner(ownerId, { page, limit }) {
  const { rows } = await db.query('SELECT id, title, status, amount FROM ${res} WHERE owner_id = $1 ORDER BY created_at DESC LIMIT $2 OFFSET $3', [ownerId, limit, (page - 1) * limit]);
  return rows;
}

async function findOwned(id, ownerId) {
  const { rows } = await db.query('SELECT * FROM ${res} WHERE id = $1 AND owner_id = $2', [id, ownerId]);
  return rows[0] || null;
}

async function create(${one(res)}) {
  const { rows } = await db.query('INSERT INTO ${res} (title, amount, owner_id) VALUES ($1, $2, $3) RETURNING *', [${one(res)}.title, ${one(res)}.amount, ${one(res)}.ownerId]);
  return rows[0];
}

async function update(id, changes) {
  const { rows } = await db.query('UPDATE ${res} SET title = COALESCE($2, title), status = COALESCE($3, status) WHERE id = $1 RETURNING *', [id, changes.title, changes.status]);
  return rows[0];
}

async function remove(id) {
  await db.query('DELETE FROM ${res} WHERE id = $1', [id]);
}

module.exports = { listForOwner, findOwned, create, update, remove, model: '${Model}' };
`;
  }
  files['src/routes/index.js'] = `const express = require('express');

const router = express.Router();

${mounts.join('\n')}

module.exports = router;
`;
  files['src/db.js'] = `const { Pool } = require('pg');

const pool = new Pool({ connectionString: process.env.DATABASE_URL });

module.exports = { query: (text, params) => pool.query(text, params) };
`;
  files['src/services/auth.js'] = `const bcrypt = require('bcrypt');
const jwt = require('jsonwebtoken');
const db = require('../db');

async function login(email, password) {
  const { rows } = await db.query('SELECT id, password_hash, roles FROM users WHERE email = $1', [email]);
  const user = rows[0];
  if (!user || !(await bcrypt.compare(password, user.password_hash))) return null;
  return jwt.sign({ sub: user.id, roles: user.roles }, process.env.JWT_SECRET, { algorithm: 'HS256', expiresIn: '15m' });
}

module.exports = { login };
`;
  return { files, routes };
}

function nestjs({ name, resources }: ServiceInput): ServiceOutput {
  const files: Record<string, string> = {};
  let routes = 2;
  files['package.json'] = JSON.stringify(
    { name: `${name}-api`, private: true, dependencies: { '@nestjs/common': '^10.4.4', '@nestjs/core': '^10.4.4', '@nestjs/jwt': '^10.2.0', '@nestjs/passport': '^10.0.3', 'passport-jwt': '^4.0.1', 'class-validator': '^0.14.1' } },
    null,
    2,
  );
  files['src/main.ts'] = `import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  app.setGlobalPrefix('api/${name}');
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true }));
  await app.listen(process.env.PORT ?? 3000);
}
void bootstrap();
`;
  files['src/auth/jwt-auth.guard.ts'] = `import { Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';

@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {}
`;
  files['src/auth/jwt.strategy.ts'] = `import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor() {
    super({ jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), ignoreExpiration: false, secretOrKey: process.env.JWT_SECRET });
  }

  validate(payload: { sub: string; roles: string[] }): { id: string; roles: string[] } {
    return { id: payload.sub, roles: payload.roles };
  }
}
`;
  files['src/auth/auth.controller.ts'] = `import { Body, Controller, Post, UnauthorizedException } from '@nestjs/common';
import { AuthService } from './auth.service';
import { LoginDto } from './login.dto';

@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  async login(@Body() dto: LoginDto): Promise<{ accessToken: string }> {
    const token = await this.auth.login(dto.email, dto.password);
    if (!token) throw new UnauthorizedException();
    return { accessToken: token };
  }
}
`;
  files['src/health.controller.ts'] = `import { Controller, Get } from '@nestjs/common';

@Controller('health')
export class HealthController {
  @Get()
  check(): { status: string } {
    return { status: 'ok' };
  }
}
`;
  const modules: string[] = [];
  for (const { name: res, extra } of resources) {
    routes += 5 + extra;
    const M = cap(one(res));
    modules.push(M);
    const extras: string[] = [];
    for (let k = 0; k < extra; k++) {
      const Verb = extraVerb(k) === 'get' ? 'Get' : 'Post';
      extras.push(`

  @${Verb}(':id/step-${k}')
  async step${k}(@Param('id', ParseIntPipe) id: number, @Req() req: AuthedRequest): Promise<${M}> {
    const item = await this.service.findOwned(id, req.user.id);
    if (item.status === 'closed' && ${k % 3} === 0) throw new ConflictException('${one(res)} is closed');
    return this.service.update(id, req.user.id, { status: 'open' });
  }`);
    }
    files[`src/${res}/${res}.controller.ts`] = `import { Body, ConflictException, Controller, Delete, Get, Param, ParseIntPipe, Patch, Post, Query, Req, UseGuards } from '@nestjs/common';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { Roles, RolesGuard } from '../auth/roles.guard';
import type { AuthedRequest } from '../auth/authed-request';
import { Create${M}Dto, Update${M}Dto } from './${one(res)}.dto';
import type { ${M} } from './${one(res)}.entity';
import { ${M}Service } from './${res}.service';

@Controller('${res}')
@UseGuards(JwtAuthGuard)
export class ${M}Controller {
  constructor(private readonly service: ${M}Service) {}

  @Get()
  findAll(@Req() req: AuthedRequest, @Query('page') page = '1'): Promise<${M}[]> {
    return this.service.listForOwner(req.user.id, Math.max(1, Number(page)));
  }

  @Get(':id')
  findOne(@Param('id', ParseIntPipe) id: number, @Req() req: AuthedRequest): Promise<${M}> {
    return this.service.findOwned(id, req.user.id);
  }

  @Post()
  create(@Body() dto: Create${M}Dto, @Req() req: AuthedRequest): Promise<${M}> {
    return this.service.create(dto, req.user.id);
  }

  @Patch(':id')
  update(@Param('id', ParseIntPipe) id: number, @Body() dto: Update${M}Dto, @Req() req: AuthedRequest): Promise<${M}> {
    return this.service.update(id, req.user.id, dto);
  }

  @Delete(':id')
  @UseGuards(RolesGuard)
  @Roles('admin')
  remove(@Param('id', ParseIntPipe) id: number): Promise<void> {
    return this.service.remove(id);
  }${extras.join('')}
}
`;
    files[`src/${res}/${res}.service.ts`] = `import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { Create${M}Dto, Update${M}Dto } from './${one(res)}.dto';
import { ${M} } from './${one(res)}.entity';

@Injectable()
export class ${M}Service {
  constructor(@InjectRepository(${M}) private readonly repo: Repository<${M}>) {}

  listForOwner(ownerId: string, page: number): Promise<${M}[]> {
    return this.repo.find({ where: { ownerId }, order: { createdAt: 'DESC' }, skip: (page - 1) * 50, take: 50 });
  }

  async findOwned(id: number, ownerId: string): Promise<${M}> {
    const item = await this.repo.findOne({ where: { id, ownerId } });
    if (!item) throw new NotFoundException();
    return item;
  }

  create(dto: Create${M}Dto, ownerId: string): Promise<${M}> {
    return this.repo.save(this.repo.create({ ...dto, ownerId }));
  }

  async update(id: number, ownerId: string, dto: Update${M}Dto): Promise<${M}> {
    const item = await this.findOwned(id, ownerId);
    return this.repo.save({ ...item, ...dto });
  }

  async remove(id: number): Promise<void> {
    await this.repo.delete(id);
  }
}
`;
    files[`src/${res}/${one(res)}.dto.ts`] = `import { IsIn, IsNumber, IsOptional, IsString, MaxLength, Min } from 'class-validator';

export class Create${M}Dto {
  @IsString()
  @MaxLength(200)
  title!: string;

  @IsNumber()
  @Min(0)
  amount = 0;
}

export class Update${M}Dto {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  title?: string;

  @IsOptional()
  @IsIn(['draft', 'open', 'closed'])
  status?: string;
}
`;
    files[`src/${res}/${one(res)}.entity.ts`] = `import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('${res}')
export class ${M} {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column()
  ownerId!: string;

  @Column({ length: 200 })
  title!: string;

  @Column({ default: 'draft' })
  status!: string;

  @Column('decimal', { precision: 12, scale: 2, default: 0 })
  amount!: number;

  @CreateDateColumn()
  createdAt!: Date;
}
`;
    files[`src/${res}/${res}.module.ts`] = `import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ${M} } from './${one(res)}.entity';
import { ${M}Controller } from './${res}.controller';
import { ${M}Service } from './${res}.service';

@Module({
  imports: [TypeOrmModule.forFeature([${M}])],
  controllers: [${M}Controller],
  providers: [${M}Service],
})
export class ${M}Module {}
`;
  }
  files['src/auth/roles.guard.ts'] = `import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

export const Roles = (...roles: string[]) => SetMetadata('roles', roles);

@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.get<string[]>('roles', context.getHandler()) ?? [];
    const { user } = context.switchToHttp().getRequest();
    return roles.length === 0 || roles.some((role) => user?.roles?.includes(role));
  }
}
`;
  files['src/auth/authed-request.ts'] = `import type { Request } from 'express';

export interface AuthedRequest extends Request {
  user: { id: string; roles: string[] };
}
`;
  files['src/app.module.ts'] = `import { Module } from '@nestjs/common';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { JwtStrategy } from './auth/jwt.strategy';
import { HealthController } from './health.controller';
${resources.map((r) => `import { ${cap(one(r.name))}Module } from './${r.name}/${r.name}.module';`).join('\n')}

@Module({
  imports: [${modules.map((m) => `${m}Module`).join(', ')}],
  controllers: [AuthController, HealthController],
  providers: [AuthService, JwtStrategy],
})
export class AppModule {}
`;
  return { files, routes };
}

function fastify({ name, resources }: ServiceInput): ServiceOutput {
  const files: Record<string, string> = {};
  let routes = 1;
  files['package.json'] = JSON.stringify({ name: `${name}-api`, private: true, type: 'module', dependencies: { fastify: '^4.28.1', '@fastify/jwt': '^8.0.1', 'fastify-plugin': '^4.5.1' } }, null, 2);
  files['src/plugins/auth.ts'] = `import fp from 'fastify-plugin';
import fastifyJwt from '@fastify/jwt';
import type { FastifyReply, FastifyRequest } from 'fastify';

export default fp(async (fastify) => {
  await fastify.register(fastifyJwt, { secret: process.env.JWT_SECRET as string });
  fastify.decorate('authenticate', async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      await request.jwtVerify();
    } catch (err) {
      reply.code(401).send({ error: 'unauthorized' });
    }
  });
});
`;
  const registrations: string[] = [];
  const imports: string[] = [];
  for (const { name: res, extra } of resources) {
    routes += 5 + extra;
    const c = camel(res);
    imports.push(`import ${c}Routes from './routes/${res}.js';`);
    registrations.push(`await app.register(${c}Routes, { prefix: '/api/${name}/${res}' });`);
    const extras: string[] = [];
    for (let k = 0; k < extra; k++) {
      extras.push(`

  fastify.${extraVerb(k)}<{ Params: IdParams }>('/:id/step-${k}', { preHandler: [fastify.authenticate], schema: { params: idParams } }, async (request, reply) => {
    const item = await service.findOwned(request.params.id, request.user.sub);
    if (!item) return reply.code(404).send({ error: 'not found' });
    if (item.status === 'closed' && ${k % 3} === 0) return reply.code(409).send({ error: 'closed' });
    return service.update(item.id, { status: 'open' });
  });`);
    }
    files[`src/routes/${res}.ts`] = `import type { FastifyInstance } from 'fastify';
import * as service from '../services/${res}.js';

interface IdParams {
  id: number;
}

const idParams = { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] } as const;
const body = {
  type: 'object',
  properties: { title: { type: 'string', maxLength: 200 }, amount: { type: 'number', minimum: 0 } },
  required: ['title'],
  additionalProperties: false,
} as const;

export default async function ${camel(res)}Routes(fastify: FastifyInstance): Promise<void> {
  fastify.get('/', { preHandler: [fastify.authenticate] }, async (request) => {
    return service.listForOwner(request.user.sub);
  });

  fastify.get<{ Params: IdParams }>('/:id', { preHandler: [fastify.authenticate], schema: { params: idParams } }, async (request, reply) => {
    const item = await service.findOwned(request.params.id, request.user.sub);
    return item ?? reply.code(404).send({ error: 'not found' });
  });

  fastify.post<{ Body: { title: string; amount?: number } }>('/', { preHandler: [fastify.authenticate], schema: { body } }, async (request, reply) => {
    const created = await service.create({ ...request.body, ownerId: request.user.sub });
    return reply.code(201).send(created);
  });

  fastify.put<{ Params: IdParams; Body: { title: string } }>('/:id', { preHandler: [fastify.authenticate], schema: { params: idParams, body } }, async (request, reply) => {
    const item = await service.findOwned(request.params.id, request.user.sub);
    if (!item) return reply.code(404).send({ error: 'not found' });
    return service.update(item.id, { title: request.body.title });
  });

  fastify.delete<{ Params: IdParams }>('/:id', { preHandler: [fastify.authenticate], schema: { params: idParams } }, async (request, reply) => {
    const item = await service.findOwned(request.params.id, request.user.sub);
    if (!item) return reply.code(404).send({ error: 'not found' });
    await service.remove(item.id);
    return reply.code(204).send();
  });${extras.join('')}
}
`;
    files[`src/services/${res}.ts`] = `import { sql } from '../db.js';

export interface ${cap(one(res))} {
  id: number;
  ownerId: string;
  title: string;
  status: string;
  amount: number;
}

export async function listForOwner(ownerId: string): Promise<${cap(one(res))}[]> {
  return sql<${cap(one(res))}[]>\`SELECT * FROM ${res} WHERE owner_id = \${ownerId} ORDER BY id DESC LIMIT 50\`;
}

export async function findOwned(id: number, ownerId: string): Promise<${cap(one(res))} | undefined> {
  const [row] = await sql<${cap(one(res))}[]>\`SELECT * FROM ${res} WHERE id = \${id} AND owner_id = \${ownerId}\`;
  return row;
}

export async function create(input: { title: string; amount?: number; ownerId: string }): Promise<${cap(one(res))}> {
  const [row] = await sql<${cap(one(res))}[]>\`INSERT INTO ${res} (title, amount, owner_id) VALUES (\${input.title}, \${input.amount ?? 0}, \${input.ownerId}) RETURNING *\`;
  return row as ${cap(one(res))};
}

export async function update(id: number, changes: { title?: string; status?: string }): Promise<${cap(one(res))}> {
  const [row] = await sql<${cap(one(res))}[]>\`UPDATE ${res} SET title = COALESCE(\${changes.title ?? null}, title), status = COALESCE(\${changes.status ?? null}, status) WHERE id = \${id} RETURNING *\`;
  return row as ${cap(one(res))};
}

export async function remove(id: number): Promise<void> {
  await sql\`DELETE FROM ${res} WHERE id = \${id}\`;
}
`;
  }
  files['src/db.ts'] = `import postgres from 'postgres';

export const sql = postgres(process.env.DATABASE_URL as string);
`;
  files['src/app.ts'] = `import Fastify from 'fastify';
import auth from './plugins/auth.js';
${imports.join('\n')}

export async function buildApp() {
  const app = Fastify({ logger: true, bodyLimit: 1_048_576 });
  await app.register(auth);
  app.get('/healthz', async () => ({ status: 'ok' }));
  ${registrations.join('\n  ')}
  return app;
}
`;
  return { files, routes };
}

function koa({ name, resources }: ServiceInput): ServiceOutput {
  const files: Record<string, string> = {};
  let routes = 1;
  files['package.json'] = JSON.stringify({ name: `${name}-api`, private: true, dependencies: { koa: '^2.15.3', '@koa/router': '^13.1.0', 'koa-bodyparser': '^4.4.1', 'koa-jwt': '^4.0.4' } }, null, 2);
  files['src/middleware/auth.js'] = `const koaJwt = require('koa-jwt');

const requireAuth = koaJwt({ secret: process.env.JWT_SECRET, algorithms: ['HS256'] });

async function requireAdmin(ctx, next) {
  if (!ctx.state.user || !ctx.state.user.roles.includes('admin')) ctx.throw(403, 'forbidden');
  await next();
}

module.exports = { requireAuth, requireAdmin };
`;
  const uses: string[] = [];
  for (const { name: res, extra } of resources) {
    routes += 5 + extra;
    const c = camel(res);
    uses.push(`const ${c}Router = require('./routes/${res}');\napp.use(${c}Router.routes()).use(${c}Router.allowedMethods());`);
    const extras: string[] = [];
    for (let k = 0; k < extra; k++) {
      extras.push(`

router.${extraVerb(k)}('/:id/step-${k}', requireAuth, async (ctx) => {
  const item = await service.findOwned(ctx.params.id, ctx.state.user.sub);
  if (!item) ctx.throw(404, 'not found');
  if (item.status === 'closed' && ${k % 3} === 0) ctx.throw(409, 'closed');
  ctx.body = await service.update(item.id, { status: 'open' });
});`);
    }
    files[`src/routes/${res}.js`] = `const Router = require('@koa/router');
const { requireAuth, requireAdmin } = require('../middleware/auth');
const service = require('../services/${res}');

const router = new Router({ prefix: '/api/${name}/${res}' });

router.get('/', requireAuth, async (ctx) => {
  ctx.body = await service.listForOwner(ctx.state.user.sub, Number(ctx.query.page) || 1);
});

router.get('/:id', requireAuth, async (ctx) => {
  const item = await service.findOwned(ctx.params.id, ctx.state.user.sub);
  if (!item) ctx.throw(404, 'not found');
  ctx.body = item;
});

router.post('/', requireAuth, async (ctx) => {
  const { title, amount } = ctx.request.body;
  ctx.status = 201;
  ctx.body = await service.create({ title: String(title).slice(0, 200), amount: Number(amount) || 0, ownerId: ctx.state.user.sub });
});

router.put('/:id', requireAuth, async (ctx) => {
  const item = await service.findOwned(ctx.params.id, ctx.state.user.sub);
  if (!item) ctx.throw(404, 'not found');
  ctx.body = await service.update(item.id, { title: String(ctx.request.body.title).slice(0, 200) });
});

router.del('/:id', requireAuth, requireAdmin, async (ctx) => {
  await service.remove(ctx.params.id);
  ctx.status = 204;
});${extras.join('')}

module.exports = router;
`;
    files[`src/services/${res}.js`] = `const knex = require('../db');

const listForOwner = (ownerId, page) => knex('${res}').where({ owner_id: ownerId }).orderBy('id', 'desc').limit(50).offset((page - 1) * 50);
const findOwned = (id, ownerId) => knex('${res}').where({ id, owner_id: ownerId }).first();
const create = async (row) => (await knex('${res}').insert({ title: row.title, amount: row.amount, owner_id: row.ownerId }).returning('*'))[0];
const update = async (id, changes) => (await knex('${res}').where({ id }).update(changes).returning('*'))[0];
const remove = (id) => knex('${res}').where({ id }).del();

module.exports = { listForOwner, findOwned, create, update, remove };
`;
  }
  files['src/db.js'] = `const knex = require('knex');

module.exports = knex({ client: 'pg', connection: process.env.DATABASE_URL });
`;
  files['src/app.js'] = `const Koa = require('koa');
const Router = require('@koa/router');
const bodyParser = require('koa-bodyparser');

const app = new Koa();
app.use(bodyParser({ jsonLimit: '100kb' }));

const health = new Router();
health.get('/healthz', (ctx) => {
  ctx.body = { status: 'ok' };
});
app.use(health.routes());

${uses.join('\n')}

module.exports = app;
`;
  return { files, routes };
}

// ---------------------------------------------------------------- Go

const goMod = (name: string, requires: string[]): string => `module github.com/acme/${name}

go 1.22

require (
${requires.map((r) => `\t${r}`).join('\n')}
)
`;

const goModel = (res: string): string => `package models

import "time"

type ${cap(one(res))} struct {
\tID        int64     \`json:"id" db:"id"\`
\tOwnerID   int64     \`json:"-" db:"owner_id"\`
\tTitle     string    \`json:"title" db:"title" binding:"required,max=200"\`
\tStatus    string    \`json:"status" db:"status"\`
\tAmount    float64   \`json:"amount" db:"amount" binding:"gte=0"\`
\tCreatedAt time.Time \`json:"created_at" db:"created_at"\`
}
`;

function gin({ name, resources }: ServiceInput): ServiceOutput {
  const files: Record<string, string> = {};
  let routes = 2;
  files['go.mod'] = goMod(name, ['github.com/gin-gonic/gin v1.10.0', 'github.com/golang-jwt/jwt/v5 v5.2.1', 'github.com/jmoiron/sqlx v1.4.0']);
  files['internal/middleware/auth.go'] = `package middleware

import (
\t"net/http"
\t"os"
\t"strings"

\t"github.com/gin-gonic/gin"
\t"github.com/golang-jwt/jwt/v5"
)

// RequireAuth rejects requests without a valid bearer token.
func RequireAuth() gin.HandlerFunc {
\tsecret := []byte(os.Getenv("JWT_SECRET"))
\treturn func(c *gin.Context) {
\t\traw := strings.TrimPrefix(c.GetHeader("Authorization"), "Bearer ")
\t\ttoken, err := jwt.Parse(raw, func(t *jwt.Token) (interface{}, error) { return secret, nil }, jwt.WithValidMethods([]string{"HS256"}))
\t\tif err != nil || !token.Valid {
\t\t\tc.AbortWithStatusJSON(http.StatusUnauthorized, gin.H{"error": "unauthorized"})
\t\t\treturn
\t\t}
\t\tclaims := token.Claims.(jwt.MapClaims)
\t\tc.Set("userID", int64(claims["sub"].(float64)))
\t\tc.Next()
\t}
}
`;
  const registers: string[] = [];
  for (const { name: res, extra } of resources) {
    routes += 5 + extra;
    const M = cap(one(res));
    registers.push(`\thandlers.Register${M}Routes(protected.Group("/${res}"), h)`);
    files[`internal/models/${one(res)}.go`] = goModel(res);
    const extraRoutes: string[] = [];
    const extraHandlers: string[] = [];
    for (let k = 0; k < extra; k++) {
      extraRoutes.push(`\tg.${extraVerb(k).toUpperCase()}("/:id/step-${k}", h.step${k}${M})`);
      extraHandlers.push(`
func (h *Handler) step${k}${M}(c *gin.Context) {
\tvar item models.${M}
\tif err := h.db.Get(&item, "SELECT * FROM ${res} WHERE id = $1 AND owner_id = $2", c.Param("id"), c.GetInt64("userID")); err != nil {
\t\tc.AbortWithStatusJSON(http.StatusNotFound, gin.H{"error": "not found"})
\t\treturn
\t}
\tif item.Status == "closed" && ${k % 3} == 0 {
\t\tc.AbortWithStatusJSON(http.StatusConflict, gin.H{"error": "closed"})
\t\treturn
\t}
\th.db.MustExec("UPDATE ${res} SET status = 'open' WHERE id = $1", item.ID)
\tc.JSON(http.StatusOK, item)
}
`);
    }
    files[`internal/handlers/${res}.go`] = `package handlers

import (
\t"net/http"
\t"strconv"

\t"github.com/acme/${name}/internal/middleware"
\t"github.com/acme/${name}/internal/models"
\t"github.com/gin-gonic/gin"
)

// Register${M}Routes mounts the ${res} endpoints on g.
func Register${M}Routes(g *gin.RouterGroup, h *Handler) {
\tg.GET("", h.list${M})
\tg.GET("/:id", h.get${M})
\tg.POST("", h.create${M})
\tg.PUT("/:id", h.update${M})
\tg.DELETE("/:id", middleware.RequireRole("admin"), h.delete${M})
${extraRoutes.join('\n')}
}

func (h *Handler) list${M}(c *gin.Context) {
\tpage, _ := strconv.Atoi(c.DefaultQuery("page", "1"))
\tvar items []models.${M}
\tif err := h.db.Select(&items, "SELECT * FROM ${res} WHERE owner_id = $1 ORDER BY id DESC LIMIT 50 OFFSET $2", c.GetInt64("userID"), (page-1)*50); err != nil {
\t\tc.AbortWithStatus(http.StatusInternalServerError)
\t\treturn
\t}
\tc.JSON(http.StatusOK, items)
}

func (h *Handler) get${M}(c *gin.Context) {
\tvar item models.${M}
\tif err := h.db.Get(&item, "SELECT * FROM ${res} WHERE id = $1 AND owner_id = $2", c.Param("id"), c.GetInt64("userID")); err != nil {
\t\tc.AbortWithStatusJSON(http.StatusNotFound, gin.H{"error": "not found"})
\t\treturn
\t}
\tc.JSON(http.StatusOK, item)
}

func (h *Handler) create${M}(c *gin.Context) {
\tvar body models.${M}
\tif err := c.ShouldBindJSON(&body); err != nil {
\t\tc.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"error": err.Error()})
\t\treturn
\t}
\tbody.OwnerID = c.GetInt64("userID")
\tif err := h.db.Get(&body.ID, "INSERT INTO ${res} (title, amount, owner_id) VALUES ($1, $2, $3) RETURNING id", body.Title, body.Amount, body.OwnerID); err != nil {
\t\tc.AbortWithStatus(http.StatusInternalServerError)
\t\treturn
\t}
\tc.JSON(http.StatusCreated, body)
}

func (h *Handler) update${M}(c *gin.Context) {
\tvar body models.${M}
\tif err := c.ShouldBindJSON(&body); err != nil {
\t\tc.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"error": err.Error()})
\t\treturn
\t}
\tres := h.db.MustExec("UPDATE ${res} SET title = $1 WHERE id = $2 AND owner_id = $3", body.Title, c.Param("id"), c.GetInt64("userID"))
\tif n, _ := res.RowsAffected(); n == 0 {
\t\tc.AbortWithStatusJSON(http.StatusNotFound, gin.H{"error": "not found"})
\t\treturn
\t}
\tc.JSON(http.StatusOK, body)
}

func (h *Handler) delete${M}(c *gin.Context) {
\th.db.MustExec("DELETE FROM ${res} WHERE id = $1", c.Param("id"))
\tc.Status(http.StatusNoContent)
}
${extraHandlers.join('')}`;
  }
  files['internal/middleware/roles.go'] = `package middleware

import (
\t"net/http"

\t"github.com/gin-gonic/gin"
)

// RequireRole rejects users without role.
func RequireRole(role string) gin.HandlerFunc {
\treturn func(c *gin.Context) {
\t\tif c.GetString("role") != role {
\t\t\tc.AbortWithStatusJSON(http.StatusForbidden, gin.H{"error": "forbidden"})
\t\t\treturn
\t\t}
\t\tc.Next()
\t}
}
`;
  files['internal/handlers/handler.go'] = `package handlers

import "github.com/jmoiron/sqlx"

// Handler carries what every endpoint needs.
type Handler struct {
\tdb *sqlx.DB
}

// New builds a Handler.
func New(db *sqlx.DB) *Handler {
\treturn &Handler{db: db}
}
`;
  files['cmd/server/main.go'] = `package main

import (
\t"log"
\t"net/http"
\t"os"

\t"github.com/acme/${name}/internal/handlers"
\t"github.com/acme/${name}/internal/middleware"
\t"github.com/gin-gonic/gin"
\t"github.com/jmoiron/sqlx"
\t_ "github.com/lib/pq"
)

func main() {
\tdb := sqlx.MustConnect("postgres", os.Getenv("DATABASE_URL"))
\th := handlers.New(db)

\tr := gin.New()
\tr.Use(gin.Recovery())
\tr.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })

\tapi := r.Group("/api/${name}")
\tapi.POST("/login", h.Login)
\tprotected := api.Group("")
\tprotected.Use(middleware.RequireAuth())
${registers.join('\n')}

\tlog.Fatal(r.Run(":8080"))
}
`;
  files['internal/handlers/login.go'] = `package handlers

import (
\t"net/http"
\t"os"
\t"time"

\t"github.com/gin-gonic/gin"
\t"github.com/golang-jwt/jwt/v5"
\t"golang.org/x/crypto/bcrypt"
)

type loginRequest struct {
\tEmail    string \`json:"email" binding:"required,email"\`
\tPassword string \`json:"password" binding:"required"\`
}

// Login exchanges credentials for a token.
func (h *Handler) Login(c *gin.Context) {
\tvar req loginRequest
\tif err := c.ShouldBindJSON(&req); err != nil {
\t\tc.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"error": "bad request"})
\t\treturn
\t}
\tvar user struct {
\t\tID   int64  \`db:"id"\`
\t\tHash string \`db:"password_hash"\`
\t}
\tif err := h.db.Get(&user, "SELECT id, password_hash FROM users WHERE email = $1", req.Email); err != nil || bcrypt.CompareHashAndPassword([]byte(user.Hash), []byte(req.Password)) != nil {
\t\tc.AbortWithStatusJSON(http.StatusUnauthorized, gin.H{"error": "invalid credentials"})
\t\treturn
\t}
\ttoken := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": user.ID, "exp": time.Now().Add(15 * time.Minute).Unix()})
\tsigned, _ := token.SignedString([]byte(os.Getenv("JWT_SECRET")))
\tc.JSON(http.StatusOK, gin.H{"token": signed})
}
`;
  return { files, routes };
}

function chi({ name, resources }: ServiceInput): ServiceOutput {
  const files: Record<string, string> = {};
  let routes = 1;
  files['go.mod'] = goMod(name, ['github.com/go-chi/chi/v5 v5.1.0', 'github.com/go-chi/jwtauth/v5 v5.3.1']);
  const mounts: string[] = [];
  for (const { name: res, extra } of resources) {
    routes += 5 + extra;
    const M = cap(one(res));
    mounts.push(`\t\tr.Mount("/${res}", ${camel(res)}Router(s))`);
    const extraRoutes: string[] = [];
    const extraHandlers: string[] = [];
    for (let k = 0; k < extra; k++) {
      extraRoutes.push(`\t\tr.${cap(extraVerb(k))}("/{id}/step-${k}", s.step${k}${M})`);
      extraHandlers.push(`
func (s *Server) step${k}${M}(w http.ResponseWriter, r *http.Request) {
\titem, err := s.store.Find${M}(r.Context(), chi.URLParam(r, "id"), userID(r))
\tif err != nil {
\t\thttp.Error(w, "not found", http.StatusNotFound)
\t\treturn
\t}
\tif item.Status == "closed" && ${k % 3} == 0 {
\t\thttp.Error(w, "closed", http.StatusConflict)
\t\treturn
\t}
\twriteJSON(w, http.StatusOK, item)
}
`);
    }
    files[`${res}.go`] = `package main

import (
\t"encoding/json"
\t"net/http"

\t"github.com/go-chi/chi/v5"
\t"github.com/go-chi/jwtauth/v5"
)

func ${camel(res)}Router(s *Server) http.Handler {
\tr := chi.NewRouter()
\tr.Group(func(r chi.Router) {
\t\tr.Use(jwtauth.Verifier(s.tokenAuth))
\t\tr.Use(jwtauth.Authenticator(s.tokenAuth))
\t\tr.Get("/", s.list${M})
\t\tr.Get("/{id}", s.get${M})
\t\tr.Post("/", s.create${M})
\t\tr.Put("/{id}", s.update${M})
\t\tr.With(requireAdmin).Delete("/{id}", s.delete${M})
${extraRoutes.join('\n')}
\t})
\treturn r
}

func (s *Server) list${M}(w http.ResponseWriter, r *http.Request) {
\titems, err := s.store.List${M}(r.Context(), userID(r))
\tif err != nil {
\t\thttp.Error(w, "internal error", http.StatusInternalServerError)
\t\treturn
\t}
\twriteJSON(w, http.StatusOK, items)
}

func (s *Server) get${M}(w http.ResponseWriter, r *http.Request) {
\titem, err := s.store.Find${M}(r.Context(), chi.URLParam(r, "id"), userID(r))
\tif err != nil {
\t\thttp.Error(w, "not found", http.StatusNotFound)
\t\treturn
\t}
\twriteJSON(w, http.StatusOK, item)
}

func (s *Server) create${M}(w http.ResponseWriter, r *http.Request) {
\tvar body ${M}Input
\tif err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&body); err != nil || body.Title == "" {
\t\thttp.Error(w, "bad request", http.StatusBadRequest)
\t\treturn
\t}
\titem, err := s.store.Create${M}(r.Context(), body, userID(r))
\tif err != nil {
\t\thttp.Error(w, "internal error", http.StatusInternalServerError)
\t\treturn
\t}
\twriteJSON(w, http.StatusCreated, item)
}

func (s *Server) update${M}(w http.ResponseWriter, r *http.Request) {
\tvar body ${M}Input
\tif err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&body); err != nil {
\t\thttp.Error(w, "bad request", http.StatusBadRequest)
\t\treturn
\t}
\titem, err := s.store.Update${M}(r.Context(), chi.URLParam(r, "id"), userID(r), body)
\tif err != nil {
\t\thttp.Error(w, "not found", http.StatusNotFound)
\t\treturn
\t}
\twriteJSON(w, http.StatusOK, item)
}

func (s *Server) delete${M}(w http.ResponseWriter, r *http.Request) {
\tif err := s.store.Delete${M}(r.Context(), chi.URLParam(r, "id")); err != nil {
\t\thttp.Error(w, "internal error", http.StatusInternalServerError)
\t\treturn
\t}
\tw.WriteHeader(http.StatusNoContent)
}

// ${M}Input is the accepted body.
type ${M}Input struct {
\tTitle  string  \`json:"title"\`
\tAmount float64 \`json:"amount"\`
}
${extraHandlers.join('')}`;
  }
  files['main.go'] = `package main

import (
\t"encoding/json"
\t"log"
\t"net/http"
\t"os"

\t"github.com/go-chi/chi/v5"
\t"github.com/go-chi/chi/v5/middleware"
\t"github.com/go-chi/jwtauth/v5"
)

// Server holds the dependencies of the handlers.
type Server struct {
\tstore     *Store
\ttokenAuth *jwtauth.JWTAuth
}

func main() {
\ts := &Server{store: NewStore(os.Getenv("DATABASE_URL")), tokenAuth: jwtauth.New("HS256", []byte(os.Getenv("JWT_SECRET")), nil)}
\tr := chi.NewRouter()
\tr.Use(middleware.RequestID)
\tr.Use(middleware.Recoverer)
\tr.Get("/healthz", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, map[string]string{"status": "ok"}) })
\tr.Route("/api/${name}", func(r chi.Router) {
${mounts.join('\n')}
\t})
\tlog.Fatal(http.ListenAndServe(":8080", r))
}

func requireAdmin(next http.Handler) http.Handler {
\treturn http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
\t\t_, claims, _ := jwtauth.FromContext(r.Context())
\t\tif claims["role"] != "admin" {
\t\t\thttp.Error(w, "forbidden", http.StatusForbidden)
\t\t\treturn
\t\t}
\t\tnext.ServeHTTP(w, r)
\t})
}

func userID(r *http.Request) string {
\t_, claims, _ := jwtauth.FromContext(r.Context())
\tsub, _ := claims["sub"].(string)
\treturn sub
}

func writeJSON(w http.ResponseWriter, status int, v any) {
\tw.Header().Set("Content-Type", "application/json")
\tw.WriteHeader(status)
\t_ = json.NewEncoder(w).Encode(v)
}
`;
  return { files, routes };
}

function netHttp({ name, resources }: ServiceInput): ServiceOutput {
  const files: Record<string, string> = {};
  let routes = 1;
  files['go.mod'] = goMod(name, ['github.com/golang-jwt/jwt/v5 v5.2.1']);
  const registers: string[] = [];
  for (const { name: res, extra } of resources) {
    routes += 5 + extra;
    const M = cap(one(res));
    registers.push(`\tregister${M}(mux, app)`);
    const extraRoutes: string[] = [];
    const extraHandlers: string[] = [];
    for (let k = 0; k < extra; k++) {
      extraRoutes.push(`\tmux.Handle("${extraVerb(k).toUpperCase()} /api/${name}/${res}/{id}/step-${k}", app.requireAuth(http.HandlerFunc(app.step${k}${M})))`);
      extraHandlers.push(`
func (app *application) step${k}${M}(w http.ResponseWriter, r *http.Request) {
\titem, err := app.find${M}(r.Context(), r.PathValue("id"), currentUser(r))
\tif err != nil {
\t\thttp.NotFound(w, r)
\t\treturn
\t}
\tif item.Status == "closed" && ${k % 3} == 0 {
\t\thttp.Error(w, "closed", http.StatusConflict)
\t\treturn
\t}
\tapp.writeJSON(w, http.StatusOK, item)
}
`);
    }
    files[`cmd/api/${res}.go`] = `package main

import (
\t"context"
\t"encoding/json"
\t"net/http"
)

type ${one(res)} struct {
\tID     int64   \`json:"id"\`
\tTitle  string  \`json:"title"\`
\tStatus string  \`json:"status"\`
\tAmount float64 \`json:"amount"\`
}

func register${M}(mux *http.ServeMux, app *application) {
\tmux.Handle("GET /api/${name}/${res}", app.requireAuth(http.HandlerFunc(app.list${M})))
\tmux.Handle("GET /api/${name}/${res}/{id}", app.requireAuth(http.HandlerFunc(app.get${M})))
\tmux.Handle("POST /api/${name}/${res}", app.requireAuth(http.HandlerFunc(app.create${M})))
\tmux.Handle("PUT /api/${name}/${res}/{id}", app.requireAuth(http.HandlerFunc(app.update${M})))
\tmux.Handle("DELETE /api/${name}/${res}/{id}", app.requireAuth(app.requireAdmin(http.HandlerFunc(app.delete${M}))))
${extraRoutes.join('\n')}
}

func (app *application) find${M}(ctx context.Context, id string, owner int64) (*${one(res)}, error) {
\tvar item ${one(res)}
\terr := app.db.QueryRowContext(ctx, "SELECT id, title, status, amount FROM ${res} WHERE id = $1 AND owner_id = $2", id, owner).Scan(&item.ID, &item.Title, &item.Status, &item.Amount)
\treturn &item, err
}

func (app *application) list${M}(w http.ResponseWriter, r *http.Request) {
\trows, err := app.db.QueryContext(r.Context(), "SELECT id, title, status, amount FROM ${res} WHERE owner_id = $1 LIMIT 50", currentUser(r))
\tif err != nil {
\t\thttp.Error(w, "internal error", http.StatusInternalServerError)
\t\treturn
\t}
\tdefer rows.Close()
\titems := []${one(res)}{}
\tfor rows.Next() {
\t\tvar item ${one(res)}
\t\tif err := rows.Scan(&item.ID, &item.Title, &item.Status, &item.Amount); err == nil {
\t\t\titems = append(items, item)
\t\t}
\t}
\tapp.writeJSON(w, http.StatusOK, items)
}

func (app *application) get${M}(w http.ResponseWriter, r *http.Request) {
\titem, err := app.find${M}(r.Context(), r.PathValue("id"), currentUser(r))
\tif err != nil {
\t\thttp.NotFound(w, r)
\t\treturn
\t}
\tapp.writeJSON(w, http.StatusOK, item)
}

func (app *application) create${M}(w http.ResponseWriter, r *http.Request) {
\tvar body ${one(res)}
\tif err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&body); err != nil {
\t\thttp.Error(w, "bad request", http.StatusBadRequest)
\t\treturn
\t}
\tif err := app.db.QueryRowContext(r.Context(), "INSERT INTO ${res} (title, amount, owner_id) VALUES ($1, $2, $3) RETURNING id", body.Title, body.Amount, currentUser(r)).Scan(&body.ID); err != nil {
\t\thttp.Error(w, "internal error", http.StatusInternalServerError)
\t\treturn
\t}
\tapp.writeJSON(w, http.StatusCreated, body)
}

func (app *application) update${M}(w http.ResponseWriter, r *http.Request) {
\tvar body ${one(res)}
\tif err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&body); err != nil {
\t\thttp.Error(w, "bad request", http.StatusBadRequest)
\t\treturn
\t}
\tif _, err := app.db.ExecContext(r.Context(), "UPDATE ${res} SET title = $1 WHERE id = $2 AND owner_id = $3", body.Title, r.PathValue("id"), currentUser(r)); err != nil {
\t\thttp.Error(w, "internal error", http.StatusInternalServerError)
\t\treturn
\t}
\tapp.writeJSON(w, http.StatusOK, body)
}

func (app *application) delete${M}(w http.ResponseWriter, r *http.Request) {
\tif _, err := app.db.ExecContext(r.Context(), "DELETE FROM ${res} WHERE id = $1", r.PathValue("id")); err != nil {
\t\thttp.Error(w, "internal error", http.StatusInternalServerError)
\t\treturn
\t}
\tw.WriteHeader(http.StatusNoContent)
}
${extraHandlers.join('')}`;
  }
  files['cmd/api/main.go'] = `package main

import (
\t"context"
\t"database/sql"
\t"encoding/json"
\t"log"
\t"net/http"
\t"os"
\t"strings"

\t"github.com/golang-jwt/jwt/v5"
\t_ "github.com/lib/pq"
)

type application struct {
\tdb     *sql.DB
\tsecret []byte
}

type ctxKey struct{}

func main() {
\tdb, err := sql.Open("postgres", os.Getenv("DATABASE_URL"))
\tif err != nil {
\t\tlog.Fatal(err)
\t}
\tapp := &application{db: db, secret: []byte(os.Getenv("JWT_SECRET"))}
\tmux := http.NewServeMux()
\tmux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { app.writeJSON(w, http.StatusOK, map[string]string{"status": "ok"}) })
${registers.join('\n')}
\tlog.Fatal(http.ListenAndServe(":8080", mux))
}

func (app *application) requireAuth(next http.Handler) http.Handler {
\treturn http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
\t\traw := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
\t\ttoken, err := jwt.Parse(raw, func(t *jwt.Token) (any, error) { return app.secret, nil }, jwt.WithValidMethods([]string{"HS256"}))
\t\tif err != nil || !token.Valid {
\t\t\thttp.Error(w, "unauthorized", http.StatusUnauthorized)
\t\t\treturn
\t\t}
\t\tsub, _ := token.Claims.(jwt.MapClaims)["sub"].(float64)
\t\tnext.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, int64(sub))))
\t})
}

func (app *application) requireAdmin(next http.Handler) http.Handler {
\treturn http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
\t\tvar admin bool
\t\tif err := app.db.QueryRowContext(r.Context(), "SELECT is_admin FROM users WHERE id = $1", currentUser(r)).Scan(&admin); err != nil || !admin {
\t\t\thttp.Error(w, "forbidden", http.StatusForbidden)
\t\t\treturn
\t\t}
\t\tnext.ServeHTTP(w, r)
\t})
}

func currentUser(r *http.Request) int64 {
\tid, _ := r.Context().Value(ctxKey{}).(int64)
\treturn id
}

func (app *application) writeJSON(w http.ResponseWriter, status int, v any) {
\tw.Header().Set("Content-Type", "application/json")
\tw.WriteHeader(status)
\t_ = json.NewEncoder(w).Encode(v)
}
`;
  return { files, routes };
}

// ---------------------------------------------------------------- JVM

function spring({ name, resources }: ServiceInput): ServiceOutput {
  const files: Record<string, string> = {};
  let routes = 1;
  const pkg = `com.acme.${name}`;
  const base = `src/main/java/com/acme/${name}`;
  files['pom.xml'] = `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>org.springframework.boot</groupId>
    <artifactId>spring-boot-starter-parent</artifactId>
    <version>3.3.4</version>
  </parent>
  <groupId>com.acme</groupId>
  <artifactId>${name}</artifactId>
  <version>1.0.0</version>
  <dependencies>
    <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId></dependency>
    <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-security</artifactId></dependency>
    <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-oauth2-resource-server</artifactId></dependency>
    <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-data-jpa</artifactId></dependency>
    <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-validation</artifactId></dependency>
  </dependencies>
</project>
`;
  files[`${base}/Application.java`] = `package ${pkg};

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class Application {
    public static void main(String[] args) {
        SpringApplication.run(Application.class, args);
    }
}
`;
  files[`${base}/config/SecurityConfig.java`] = `package ${pkg}.config;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

@Configuration
@EnableMethodSecurity
public class SecurityConfig {

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
        http
            .csrf(csrf -> csrf.disable())
            .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
            .authorizeHttpRequests(auth -> auth
                .requestMatchers("/api/${name}/health").permitAll()
                .requestMatchers("/api/${name}/**").authenticated()
                .anyRequest().denyAll())
            .oauth2ResourceServer(oauth2 -> oauth2.jwt(jwt -> {}));
        return http.build();
    }
}
`;
  files[`${base}/web/HealthController.java`] = `package ${pkg}.web;

import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class HealthController {
    @GetMapping("/api/${name}/health")
    public Map<String, String> health() {
        return Map.of("status", "ok");
    }
}
`;
  for (const { name: res, extra } of resources) {
    routes += 5 + extra;
    const M = cap(one(res));
    const extras: string[] = [];
    for (let k = 0; k < extra; k++) {
      extras.push(`

    @${extraVerb(k) === 'get' ? 'Get' : 'Post'}Mapping("/{id}/step-${k}")
    public ${M} step${k}(@PathVariable Long id, @AuthenticationPrincipal Jwt jwt) {
        ${M} item = service.findOwned(id, jwt.getSubject());
        if ("closed".equals(item.getStatus()) && ${k % 3} == 0) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, "${one(res)} is closed");
        }
        item.setStatus("open");
        return service.save(item);
    }`);
    }
    files[`${base}/web/${M}Controller.java`] = `package ${pkg}.web;

import ${pkg}.domain.${M};
import ${pkg}.service.${M}Service;
import jakarta.validation.Valid;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.*;
import org.springframework.web.server.ResponseStatusException;

@RestController
@RequestMapping("/api/${name}/${res}")
public class ${M}Controller {

    private final ${M}Service service;

    public ${M}Controller(${M}Service service) {
        this.service = service;
    }

    @GetMapping
    public List<${M}> list(@AuthenticationPrincipal Jwt jwt, @RequestParam(defaultValue = "0") int page) {
        return service.listForOwner(jwt.getSubject(), page);
    }

    @GetMapping("/{id}")
    public ${M} get(@PathVariable Long id, @AuthenticationPrincipal Jwt jwt) {
        return service.findOwned(id, jwt.getSubject());
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    public ${M} create(@Valid @RequestBody ${M}Request body, @AuthenticationPrincipal Jwt jwt) {
        return service.create(body.title(), body.amount(), jwt.getSubject());
    }

    @PutMapping("/{id}")
    public ${M} update(@PathVariable Long id, @Valid @RequestBody ${M}Request body, @AuthenticationPrincipal Jwt jwt) {
        ${M} item = service.findOwned(id, jwt.getSubject());
        item.setTitle(body.title());
        return service.save(item);
    }

    @DeleteMapping("/{id}")
    @PreAuthorize("hasRole('ADMIN')")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void delete(@PathVariable Long id) {
        service.delete(id);
    }${extras.join('')}
}
`;
    files[`${base}/web/${M}Request.java`] = `package ${pkg}.web;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;

public record ${M}Request(@NotBlank @Size(max = 200) String title, @PositiveOrZero BigDecimal amount) {}
`;
    files[`${base}/domain/${M}.java`] = `package ${pkg}.domain;

import jakarta.persistence.*;
import java.math.BigDecimal;
import java.time.Instant;

@Entity
@Table(name = "${res}")
public class ${M} {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private String ownerId;
    private String title;
    private String status = "draft";
    private BigDecimal amount = BigDecimal.ZERO;
    private Instant createdAt = Instant.now();

    public Long getId() { return id; }
    public String getOwnerId() { return ownerId; }
    public void setOwnerId(String ownerId) { this.ownerId = ownerId; }
    public String getTitle() { return title; }
    public void setTitle(String title) { this.title = title; }
    public String getStatus() { return status; }
    public void setStatus(String status) { this.status = status; }
    public BigDecimal getAmount() { return amount; }
    public void setAmount(BigDecimal amount) { this.amount = amount; }
    public Instant getCreatedAt() { return createdAt; }
}
`;
    files[`${base}/domain/${M}Repository.java`] = `package ${pkg}.domain;

import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;

public interface ${M}Repository extends JpaRepository<${M}, Long> {
    List<${M}> findByOwnerIdOrderByCreatedAtDesc(String ownerId, Pageable pageable);

    Optional<${M}> findByIdAndOwnerId(Long id, String ownerId);
}
`;
    files[`${base}/service/${M}Service.java`] = `package ${pkg}.service;

import ${pkg}.domain.${M};
import ${pkg}.domain.${M}Repository;
import java.math.BigDecimal;
import java.util.List;
import org.springframework.data.domain.PageRequest;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.server.ResponseStatusException;

@Service
@Transactional
public class ${M}Service {
    private final ${M}Repository repository;

    public ${M}Service(${M}Repository repository) {
        this.repository = repository;
    }

    @Transactional(readOnly = true)
    public List<${M}> listForOwner(String ownerId, int page) {
        return repository.findByOwnerIdOrderByCreatedAtDesc(ownerId, PageRequest.of(page, 50));
    }

    @Transactional(readOnly = true)
    public ${M} findOwned(Long id, String ownerId) {
        return repository.findByIdAndOwnerId(id, ownerId).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
    }

    public ${M} create(String title, BigDecimal amount, String ownerId) {
        ${M} item = new ${M}();
        item.setTitle(title);
        item.setAmount(amount == null ? BigDecimal.ZERO : amount);
        item.setOwnerId(ownerId);
        return repository.save(item);
    }

    public ${M} save(${M} item) {
        return repository.save(item);
    }

    public void delete(Long id) {
        repository.deleteById(id);
    }
}
`;
  }
  return { files, routes };
}

function ktor({ name, resources }: ServiceInput): ServiceOutput {
  const files: Record<string, string> = {};
  let routes = 2;
  const base = `src/main/kotlin/com/acme/${name}`;
  files['build.gradle.kts'] = `plugins {
    kotlin("jvm") version "2.0.20"
    id("io.ktor.plugin") version "2.3.12"
    kotlin("plugin.serialization") version "2.0.20"
}

dependencies {
    implementation("io.ktor:ktor-server-core-jvm")
    implementation("io.ktor:ktor-server-netty-jvm")
    implementation("io.ktor:ktor-server-auth-jvm")
    implementation("io.ktor:ktor-server-auth-jwt-jvm")
    implementation("io.ktor:ktor-server-content-negotiation-jvm")
    implementation("io.ktor:ktor-serialization-kotlinx-json-jvm")
}
`;
  files[`${base}/plugins/Security.kt`] = `package com.acme.${name}.plugins

import com.auth0.jwt.JWT
import com.auth0.jwt.algorithms.Algorithm
import io.ktor.server.application.*
import io.ktor.server.auth.*
import io.ktor.server.auth.jwt.*

fun Application.configureSecurity() {
    val secret = environment.config.property("jwt.secret").getString()
    install(Authentication) {
        jwt("auth-jwt") {
            realm = "${name}"
            verifier(JWT.require(Algorithm.HMAC256(secret)).withIssuer("acme").build())
            validate { credential -> if (credential.payload.subject != null) JWTPrincipal(credential.payload) else null }
        }
    }
}
`;
  const calls: string[] = [];
  for (const { name: res, extra } of resources) {
    routes += 5 + extra;
    const M = cap(one(res));
    calls.push(`            ${camel(res)}Routes(repository)`);
    const extras: string[] = [];
    for (let k = 0; k < extra; k++) {
      extras.push(`
                ${extraVerb(k)}("{id}/step-${k}") {
                    val item = repository.findOwned(call.parameters["id"]!!.toLong(), call.ownerId()) ?: return@${extraVerb(k)} call.respond(HttpStatusCode.NotFound)
                    if (item.status == "closed" && ${k % 3} == 0) return@${extraVerb(k)} call.respond(HttpStatusCode.Conflict)
                    call.respond(repository.save(item.copy(status = "open")))
                }`);
    }
    files[`${base}/routes/${M}Routes.kt`] = `package com.acme.${name}.routes

import com.acme.${name}.data.${M}
import com.acme.${name}.data.Repository
import io.ktor.http.*
import io.ktor.server.application.*
import io.ktor.server.auth.*
import io.ktor.server.auth.jwt.*
import io.ktor.server.request.*
import io.ktor.server.response.*
import io.ktor.server.routing.*

private fun ApplicationCall.ownerId(): String = principal<JWTPrincipal>()!!.payload.subject

fun Route.${camel(res)}Routes(repository: Repository<${M}>) {
    route("/${res}") {
        authenticate("auth-jwt") {
            get {
                val page = call.request.queryParameters["page"]?.toIntOrNull() ?: 0
                call.respond(repository.listForOwner(call.ownerId(), page))
            }
            get("{id}") {
                val item = repository.findOwned(call.parameters["id"]!!.toLong(), call.ownerId()) ?: return@get call.respond(HttpStatusCode.NotFound)
                call.respond(item)
            }
            post {
                val body = call.receive<${M}>()
                call.respond(HttpStatusCode.Created, repository.save(body.copy(ownerId = call.ownerId())))
            }
            put("{id}") {
                val item = repository.findOwned(call.parameters["id"]!!.toLong(), call.ownerId()) ?: return@put call.respond(HttpStatusCode.NotFound)
                val body = call.receive<${M}>()
                call.respond(repository.save(item.copy(title = body.title.take(200))))
            }
            delete("{id}") {
                if (call.principal<JWTPrincipal>()?.payload?.getClaim("role")?.asString() != "admin") return@delete call.respond(HttpStatusCode.Forbidden)
                repository.delete(call.parameters["id"]!!.toLong())
                call.respond(HttpStatusCode.NoContent)
            }${extras.join('')}
        }
    }
}
`;
    files[`${base}/data/${M}.kt`] = `package com.acme.${name}.data

import kotlinx.serialization.Serializable

@Serializable
data class ${M}(
    val id: Long = 0,
    val ownerId: String = "",
    val title: String,
    val status: String = "draft",
    val amount: Double = 0.0,
)
`;
  }
  files[`${base}/Application.kt`] = `package com.acme.${name}

import com.acme.${name}.data.Repository
import com.acme.${name}.plugins.configureSecurity
import com.acme.${name}.routes.*
import io.ktor.serialization.kotlinx.json.*
import io.ktor.server.application.*
import io.ktor.server.netty.*
import io.ktor.server.plugins.contentnegotiation.*
import io.ktor.server.response.*
import io.ktor.server.routing.*

fun main(args: Array<String>) = EngineMain.main(args)

fun Application.module() {
    install(ContentNegotiation) { json() }
    configureSecurity()
    val repository = Repository.connect(environment.config.property("db.url").getString())
    routing {
        get("/healthz") { call.respond(mapOf("status" to "ok")) }
        route("/api/${name}") {
            post("/login") { call.respond(repository.login(call)) }
${calls.join('\n')}
        }
    }
}
`;
  return { files, routes };
}

// ---------------------------------------------------------------- PHP, Ruby, C#

function laravel({ name, resources }: ServiceInput): ServiceOutput {
  const files: Record<string, string> = {};
  let routes = 2;
  files['composer.json'] = JSON.stringify({ name: `acme/${name}`, require: { php: '^8.2', 'laravel/framework': '^11.0', 'laravel/sanctum': '^4.0' }, autoload: { 'psr-4': { 'App\\': 'app/' } } }, null, 2);
  const protectedRoutes: string[] = [];
  const uses: string[] = [];
  for (const { name: res, extra } of resources) {
    // apiResource: index, store, show, update (PUT and PATCH), destroy.
    routes += 6 + extra;
    const M = cap(one(res));
    uses.push(`use App\\Http\\Controllers\\${M}Controller;`);
    for (let k = 0; k < extra; k++) protectedRoutes.push(`        Route::${extraVerb(k)}('${res}/{${one(res)}}/step-${k}', [${M}Controller::class, 'step${k}']);`);
    protectedRoutes.push(`        Route::apiResource('${res}', ${M}Controller::class);`);
    const extras: string[] = [];
    for (let k = 0; k < extra; k++) {
      extras.push(`

    public function step${k}(Request $request, ${M} $${one(res)}): JsonResponse
    {
        $this->authorize('update', $${one(res)});
        if ($${one(res)}->status === 'closed' && ${k % 3} === 0) {
            abort(409, '${M} is closed');
        }
        $${one(res)}->update(['status' => 'open']);

        return response()->json($${one(res)});
    }`);
    }
    files[`app/Http/Controllers/${M}Controller.php`] = `<?php

namespace App\\Http\\Controllers;

use App\\Models\\${M};
use Illuminate\\Http\\JsonResponse;
use Illuminate\\Http\\Request;

class ${M}Controller extends Controller
{
    public function index(Request $request): JsonResponse
    {
        return response()->json($request->user()->${res}()->latest()->paginate(50));
    }

    public function show(${M} $${one(res)}): JsonResponse
    {
        $this->authorize('view', $${one(res)});

        return response()->json($${one(res)});
    }

    public function store(Request $request): JsonResponse
    {
        $validated = $request->validate([
            'title' => ['required', 'string', 'max:200'],
            'amount' => ['numeric', 'min:0'],
        ]);

        return response()->json($request->user()->${res}()->create($validated), 201);
    }

    public function update(Request $request, ${M} $${one(res)}): JsonResponse
    {
        $this->authorize('update', $${one(res)});
        $${one(res)}->update($request->validate(['title' => ['sometimes', 'string', 'max:200']]));

        return response()->json($${one(res)});
    }

    public function destroy(${M} $${one(res)}): JsonResponse
    {
        $this->authorize('delete', $${one(res)});
        $${one(res)}->delete();

        return response()->json(null, 204);
    }${extras.join('')}
}
`;
    files[`app/Models/${M}.php`] = `<?php

namespace App\\Models;

use Illuminate\\Database\\Eloquent\\Factories\\HasFactory;
use Illuminate\\Database\\Eloquent\\Model;
use Illuminate\\Database\\Eloquent\\Relations\\BelongsTo;

class ${M} extends Model
{
    use HasFactory;

    protected $fillable = ['title', 'status', 'amount'];

    protected $casts = ['amount' => 'decimal:2'];

    public function owner(): BelongsTo
    {
        return $this->belongsTo(User::class, 'user_id');
    }
}
`;
    files[`app/Policies/${M}Policy.php`] = `<?php

namespace App\\Policies;

use App\\Models\\${M};
use App\\Models\\User;

class ${M}Policy
{
    public function view(User $user, ${M} $${one(res)}): bool
    {
        return $user->id === $${one(res)}->user_id;
    }

    public function update(User $user, ${M} $${one(res)}): bool
    {
        return $user->id === $${one(res)}->user_id;
    }

    public function delete(User $user, ${M} $${one(res)}): bool
    {
        return $user->is_admin;
    }
}
`;
  }
  files['app/Http/Controllers/Controller.php'] = `<?php

namespace App\\Http\\Controllers;

use Illuminate\\Foundation\\Auth\\Access\\AuthorizesRequests;

abstract class Controller
{
    use AuthorizesRequests;
}
`;
  files['app/Http/Controllers/AuthController.php'] = `<?php

namespace App\\Http\\Controllers;

use App\\Models\\User;
use Illuminate\\Http\\JsonResponse;
use Illuminate\\Http\\Request;
use Illuminate\\Support\\Facades\\Hash;

class AuthController extends Controller
{
    public function login(Request $request): JsonResponse
    {
        $data = $request->validate(['email' => ['required', 'email'], 'password' => ['required']]);
        $user = User::where('email', $data['email'])->first();
        if (! $user || ! Hash::check($data['password'], $user->password)) {
            return response()->json(['message' => 'invalid credentials'], 401);
        }

        return response()->json(['token' => $user->createToken('api')->plainTextToken]);
    }
}
`;
  files['routes/api.php'] = `<?php

use App\\Http\\Controllers\\AuthController;
${uses.join('\n')}
use Illuminate\\Support\\Facades\\Route;

Route::prefix('${name}')->group(function () {
    Route::get('health', fn () => ['status' => 'ok']);
    Route::post('login', [AuthController::class, 'login'])->middleware('throttle:10,1');

    Route::middleware('auth:sanctum')->group(function () {
${protectedRoutes.join('\n')}
    });
});
`;
  return { files, routes };
}

function rails({ name, resources }: ServiceInput): ServiceOutput {
  const files: Record<string, string> = {};
  let routes = 2;
  files['Gemfile'] = `source "https://rubygems.org"

gem "rails", "~> 7.2.1"
gem "pg", "~> 1.5"
gem "devise", "~> 4.9"
gem "devise-jwt", "~> 0.12"
`;
  files['app/controllers/application_controller.rb'] = `class ApplicationController < ActionController::API
  before_action :authenticate_user!

  rescue_from ActiveRecord::RecordNotFound do
    render json: { error: "not found" }, status: :not_found
  end

  private

  def require_admin!
    head :forbidden unless current_user.admin?
  end
end
`;
  files['app/controllers/health_controller.rb'] = `class HealthController < ApplicationController
  skip_before_action :authenticate_user!

  def show
    render json: { status: "ok" }
  end
end
`;
  files['app/controllers/sessions_controller.rb'] = `class SessionsController < ApplicationController
  skip_before_action :authenticate_user!

  def create
    user = User.find_by(email: params.require(:email))
    if user&.valid_password?(params.require(:password))
      render json: { token: user.generate_jwt }
    else
      render json: { error: "invalid credentials" }, status: :unauthorized
    end
  end
end
`;
  const resourceRoutes: string[] = [];
  for (const { name: res, extra } of resources) {
    // resources: index, show, create, update (PATCH and PUT), destroy.
    routes += 6 + extra;
    const M = cap(one(res));
    const C = cap(camel(res));
    if (extra > 0) {
      const members: string[] = [];
      for (let k = 0; k < extra; k++) members.push(`          ${extraVerb(k)} "step-${k}", action: :step_${k}`);
      resourceRoutes.push(`      resources :${res}, only: %i[index show create update destroy] do\n        member do\n${members.join('\n')}\n        end\n      end`);
    } else {
      resourceRoutes.push(`      resources :${res}, only: %i[index show create update destroy]`);
    }
    const extras: string[] = [];
    for (let k = 0; k < extra; k++) {
      extras.push(`

  def step_${k}
    @${one(res)} = current_user.${res}.find(params[:id])
    return head :conflict if @${one(res)}.status == "closed" && ${k % 3}.zero?

    @${one(res)}.update!(status: "open")
    render json: @${one(res)}
  end`);
    }
    files[`app/controllers/api/${res}_controller.rb`] = `module Api
  class ${C}Controller < ApplicationController
    before_action :set_${one(res)}, only: %i[show update destroy]
    before_action :require_admin!, only: :destroy

    def index
      render json: current_user.${res}.order(created_at: :desc).page(params[:page]).per(50)
    end

    def show
      render json: @${one(res)}
    end

    def create
      ${one(res)} = current_user.${res}.create!(${one(res)}_params)
      render json: ${one(res)}, status: :created
    end

    def update
      @${one(res)}.update!(${one(res)}_params)
      render json: @${one(res)}
    end

    def destroy
      @${one(res)}.destroy!
      head :no_content
    end${extras.join('')}

    private

    def set_${one(res)}
      @${one(res)} = current_user.${res}.find(params[:id])
    end

    def ${one(res)}_params
      params.require(:${one(res)}).permit(:title, :amount)
    end
  end
end
`;
    files[`app/models/${one(res)}.rb`] = `class ${M} < ApplicationRecord
  belongs_to :user

  validates :title, presence: true, length: { maximum: 200 }
  validates :amount, numericality: { greater_than_or_equal_to: 0 }

  scope :open, -> { where(status: "open") }
end
`;
  }
  files['config/routes.rb'] = `Rails.application.routes.draw do
  get "up", to: "health#show"

  scope "${name}" do
    post "login", to: "sessions#create"
    namespace :api do
${resourceRoutes.join('\n')}
    end
  end
end
`;
  return { files, routes };
}

function aspnetcore({ name, resources }: ServiceInput): ServiceOutput {
  const files: Record<string, string> = {};
  let routes = 2;
  const ns = `Acme.${cap(name)}`;
  files[`${cap(name)}.csproj`] = `<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup>
    <TargetFramework>net8.0</TargetFramework>
    <Nullable>enable</Nullable>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Microsoft.AspNetCore.Authentication.JwtBearer" Version="8.0.8" />
    <PackageReference Include="Microsoft.EntityFrameworkCore" Version="8.0.8" />
  </ItemGroup>
</Project>
`;
  for (const { name: res, extra } of resources) {
    routes += 5 + extra;
    const M = cap(one(res));
    const C = cap(camel(res));
    const extras: string[] = [];
    for (let k = 0; k < extra; k++) {
      extras.push(`

    [Http${extraVerb(k) === 'get' ? 'Get' : 'Post'}("{id:long}/step-${k}")]
    public async Task<ActionResult<${M}>> Step${k}(long id)
    {
        var item = await _db.${C}.FirstOrDefaultAsync(x => x.Id == id && x.OwnerId == OwnerId);
        if (item is null) return NotFound();
        if (item.Status == "closed" && ${k % 3} == 0) return Conflict();
        item.Status = "open";
        await _db.SaveChangesAsync();
        return item;
    }`);
    }
    files[`Controllers/${C}Controller.cs`] = `using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using ${ns}.Data;
using ${ns}.Models;

namespace ${ns}.Controllers;

[ApiController]
[Route("api/${name}/[controller]")]
[Authorize]
public class ${C}Controller : ControllerBase
{
    private readonly AppDbContext _db;

    public ${C}Controller(AppDbContext db) => _db = db;

    private string OwnerId => User.FindFirstValue(ClaimTypes.NameIdentifier)!;

    [HttpGet]
    public async Task<IEnumerable<${M}>> List([FromQuery] int page = 0) =>
        await _db.${C}.Where(x => x.OwnerId == OwnerId).OrderByDescending(x => x.CreatedAt).Skip(page * 50).Take(50).ToListAsync();

    [HttpGet("{id:long}")]
    public async Task<ActionResult<${M}>> Get(long id)
    {
        var item = await _db.${C}.FirstOrDefaultAsync(x => x.Id == id && x.OwnerId == OwnerId);
        return item is null ? NotFound() : item;
    }

    [HttpPost]
    public async Task<ActionResult<${M}>> Create(${M}Request body)
    {
        var item = new ${M} { Title = body.Title, Amount = body.Amount, OwnerId = OwnerId };
        _db.${C}.Add(item);
        await _db.SaveChangesAsync();
        return CreatedAtAction(nameof(Get), new { id = item.Id }, item);
    }

    [HttpPut("{id:long}")]
    public async Task<IActionResult> Update(long id, ${M}Request body)
    {
        var item = await _db.${C}.FirstOrDefaultAsync(x => x.Id == id && x.OwnerId == OwnerId);
        if (item is null) return NotFound();
        item.Title = body.Title;
        await _db.SaveChangesAsync();
        return NoContent();
    }

    [HttpDelete("{id:long}")]
    [Authorize(Roles = "admin")]
    public async Task<IActionResult> Delete(long id)
    {
        await _db.${C}.Where(x => x.Id == id).ExecuteDeleteAsync();
        return NoContent();
    }${extras.join('')}
}
`;
    files[`Models/${M}.cs`] = `using System.ComponentModel.DataAnnotations;

namespace ${ns}.Models;

public class ${M}
{
    public long Id { get; set; }
    public string OwnerId { get; set; } = "";
    [MaxLength(200)]
    public string Title { get; set; } = "";
    public string Status { get; set; } = "draft";
    public decimal Amount { get; set; }
    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
}

public record ${M}Request([property: Required, MaxLength(200)] string Title, [property: Range(0, 1_000_000)] decimal Amount);
`;
  }
  files['Data/AppDbContext.cs'] = `using Microsoft.EntityFrameworkCore;
using ${ns}.Models;

namespace ${ns}.Data;

public class AppDbContext : DbContext
{
    public AppDbContext(DbContextOptions<AppDbContext> options) : base(options) { }

${resources.map((r) => `    public DbSet<${cap(one(r.name))}> ${cap(camel(r.name))} => Set<${cap(one(r.name))}>();`).join('\n')}
}
`;
  files['Program.cs'] = `using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.EntityFrameworkCore;
using ${ns}.Data;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddDbContext<AppDbContext>(options => options.UseNpgsql(builder.Configuration.GetConnectionString("Default")));
builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
{
    options.Authority = builder.Configuration["Jwt:Authority"];
    options.Audience = builder.Configuration["Jwt:Audience"];
});
builder.Services.AddAuthorization();
builder.Services.AddControllers();

var app = builder.Build();
app.UseHttpsRedirection();
app.UseAuthentication();
app.UseAuthorization();

app.MapGet("/healthz", () => Results.Ok(new { status = "ok" })).AllowAnonymous();

var reports = app.MapGroup("/api/${name}/summary").RequireAuthorization();
reports.MapGet("/", async (AppDbContext db) => Results.Ok(new { total = await db.Database.ExecuteSqlRawAsync("SELECT 1") }));

app.MapControllers();
app.Run();
`;
  return { files, routes };
}

const GENERATORS: Record<Framework, (input: ServiceInput) => ServiceOutput> = {
  fastapi,
  django,
  flask,
  express,
  nestjs,
  fastify,
  koa,
  gin,
  chi,
  'net-http': netHttp,
  spring,
  ktor,
  laravel,
  rails,
  aspnetcore,
};

/** The route module of a service's first resource, i.e. the file that grows when `extra` grows. */
function growingFile(framework: Framework, output: ServiceOutput, resource: string): string {
  const M = cap(one(resource));
  const C = cap(camel(resource));
  const byFramework: Record<Framework, string> = {
    fastapi: `app/api/routes/${resource}.py`,
    django: `${resource}/views.py`,
    flask: `app/${resource}/routes.py`,
    express: `src/routes/${resource}.js`,
    nestjs: `src/${resource}/${resource}.controller.ts`,
    fastify: `src/routes/${resource}.ts`,
    koa: `src/routes/${resource}.js`,
    gin: `internal/handlers/${resource}.go`,
    chi: `${resource}.go`,
    'net-http': `cmd/api/${resource}.go`,
    spring: Object.keys(output.files).find((file) => file.endsWith(`/web/${M}Controller.java`)) ?? '',
    ktor: Object.keys(output.files).find((file) => file.endsWith(`/routes/${M}Routes.kt`)) ?? '',
    laravel: `app/Http/Controllers/${M}Controller.php`,
    rails: `app/controllers/api/${resource}_controller.rb`,
    aspnetcore: `Controllers/${C}Controller.cs`,
  };
  return byFramework[framework];
}

/** How many extra actions make the growing file of `framework` about `bytes` long. */
function extraFor(framework: Framework, bytes: number): number {
  const size = (extra: number): number => {
    const resource = 'orders';
    const output = GENERATORS[framework]({ name: 'sizing', resources: [{ name: resource, extra }] });
    return Buffer.byteLength(output.files[growingFile(framework, output, resource)] ?? '');
  };
  const base = size(0);
  const per = (size(20) - base) / 20;
  return Math.max(0, Math.round((bytes - base) / per));
}

const lineCount = (text: string): number => {
  let lines = 0;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) lines++;
  return text.endsWith('\n') || text.length === 0 ? lines : lines + 1;
};

export interface GeneratedTree {
  files: number;
  bytes: number;
  lines: number;
  services: number;
  /** Routes written per framework (what a reader of the code counts). */
  routes: Record<Framework, number>;
  /** Source files by size bucket (10 KB and under, 100 KB, 1 MB, 5 MB), minified bundles apart. */
  buckets: { label: string; files: number; bytes: number }[];
  minified: { path: string; bytes: number }[];
}

export const SIZE_BUCKETS = [
  { label: '≤ 30 KB', max: 30_000 },
  { label: '~100 KB', max: 300_000 },
  { label: '~1 MB', max: 3_000_000 },
  { label: '~5 MB', max: Number.POSITIVE_INFINITY },
];

/** Big route modules and minified bundles per million lines (scaled with `lines`). */
const BIG_PER_MILLION: { framework: Framework; bytes: number; count: number }[] = [
  { framework: 'express', bytes: 4_900_000, count: 1 },
  { framework: 'django', bytes: 1_000_000, count: 1 },
  { framework: 'gin', bytes: 1_000_000, count: 1 },
  { framework: 'spring', bytes: 1_000_000, count: 1 },
  { framework: 'laravel', bytes: 1_000_000, count: 1 },
  ...FRAMEWORKS.map((framework) => ({ framework, bytes: 100_000, count: 2 })),
];
const BUNDLES_PER_MILLION = [10_000, 10_000, 100_000, 100_000, 1_000_000, 1_000_000, 4_900_000];

/**
 * Writes the polyglot tree under `root` (about `lines` lines of source; bundles come on top).
 * Deterministic: the same `lines` always gives the same files, byte for byte.
 */
export function generatePolyglotTree(root: string, options: { lines: number }): GeneratedTree {
  const scale = options.lines / 1_000_000;
  const routes = Object.fromEntries(FRAMEWORKS.map((framework) => [framework, 0])) as Record<Framework, number>;
  const buckets = SIZE_BUCKETS.map(({ label }) => ({ label, files: 0, bytes: 0 }));
  const minified: { path: string; bytes: number }[] = [];
  let files = 0;
  let bytes = 0;
  let lines = 0;
  const write = (relative: string, text: string, source: boolean): void => {
    const full = path.join(root, relative);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
    const size = Buffer.byteLength(text);
    files++;
    bytes += size;
    if (!source) return;
    lines += lineCount(text);
    const bucket = SIZE_BUCKETS.findIndex(({ max }) => size <= max);
    const entry = buckets[bucket];
    if (entry) {
      entry.files++;
      entry.bytes += size;
    }
  };
  // Big modules wait for a service of their framework; the largest come first.
  const pending: { framework: Framework; bytes: number }[] = [];
  for (const { framework, bytes: size, count } of BIG_PER_MILLION) {
    const n = size >= 1_000_000 ? Math.floor(count * scale + 0.0001) : Math.round(count * scale);
    for (let index = 0; index < n; index++) pending.push({ framework, bytes: size });
  }
  const sizing = new Map<string, number>();
  let service = 0;
  while (lines < options.lines || pending.length > 0) {
    const framework = FRAMEWORKS[service % FRAMEWORKS.length] ?? 'express';
    const domain = DOMAINS[service % DOMAINS.length] ?? 'svc';
    const round = Math.floor(service / DOMAINS.length);
    const name = `${domain}${round > 0 ? round + 1 : ''}`;
    const count = 3 + (service % 4);
    const resources: Resource[] = [];
    for (let index = 0; index < count; index++) {
      resources.push({ name: RESOURCES[(service * 3 + index) % RESOURCES.length] ?? 'items', extra: (service + index) % 3 });
    }
    const big = pending.findIndex((entry) => entry.framework === framework);
    const first = resources[0];
    if (big >= 0 && first) {
      const wanted = pending[big];
      pending.splice(big, 1);
      if (wanted) {
        const key = `${framework}:${wanted.bytes}`;
        if (!sizing.has(key)) sizing.set(key, extraFor(framework, wanted.bytes));
        first.extra = sizing.get(key) ?? 0;
      }
    } else if (lines >= options.lines) {
      // Only big modules are left, for frameworks that come later in the rotation.
      service++;
      continue;
    }
    const output = GENERATORS[framework]({ name, resources });
    routes[framework] += output.routes;
    const folder = `services/${String(service).padStart(4, '0')}-${framework}-${name}`;
    for (const [relative, text] of Object.entries(output.files)) write(`${folder}/${relative}`, text, true);
    service++;
  }
  const bundles = BUNDLES_PER_MILLION.filter((size) => size < 1_000_000 || scale >= 0.2).slice(0, Math.max(2, Math.round(BUNDLES_PER_MILLION.length * Math.min(1, scale * 5))));
  for (const [index, size] of bundles.entries()) {
    for (let copy = 0; copy < Math.max(1, Math.floor(scale)); copy++) {
      const relative = `web/static/js/app.${index}${copy > 0 ? `-${copy}` : ''}.${(0x9e3779b1 * (index + 1 + copy * 31)).toString(16).slice(-8)}.js`;
      const text = minifiedJs(size, index + 1 + copy * 101);
      write(relative, text, false);
      minified.push({ path: relative, bytes: Buffer.byteLength(text) });
    }
  }
  write('web/package.json', JSON.stringify({ name: 'web', private: true, dependencies: { react: '^18.3.1' } }, null, 2), false);
  return { files, bytes, lines, services: service, routes, buckets, minified };
}

/**
 * A tree whose source files are all about `fileBytes` long, `totalBytes` in all: one service of
 * `framework` with as many resources as needed (or minified bundles, brought into scope by the
 * config's `include`). Used to measure time per MB by file size.
 */
export function generateBucketTree(root: string, options: { kind: Framework | 'minified'; fileBytes: number; totalBytes: number }): { files: number; bytes: number } {
  const { kind, fileBytes, totalBytes } = options;
  const count = Math.max(1, Math.round(totalBytes / fileBytes));
  let files = 0;
  let bytes = 0;
  const write = (relative: string, text: string): void => {
    const full = path.join(root, relative);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
    files++;
    bytes += Buffer.byteLength(text);
  };
  if (kind === 'minified') {
    write('package.json', JSON.stringify({ name: 'web', private: true, dependencies: { express: '^4.21.0' } }, null, 2));
    write('apisec.config.yaml', 'include:\n  - static/\n');
    for (let index = 0; index < count; index++) write(`static/js/chunk-${index}.js`, minifiedJs(fileBytes, index + 7));
    return { files, bytes };
  }
  const resources: Resource[] = [];
  const extra = extraFor(kind, fileBytes);
  for (let index = 0; index < count; index++) {
    const base = RESOURCES[index % RESOURCES.length] ?? 'items';
    resources.push({ name: index < RESOURCES.length ? base : `${base.replace(/s$/, '')}${Math.floor(index / RESOURCES.length)}s`, extra });
  }
  const output = GENERATORS[kind]({ name: 'bucket', resources });
  for (const [relative, text] of Object.entries(output.files)) write(relative, text);
  return { files, bytes };
}

/** The files of one service, for tests. */
export function generateService(framework: Framework, name: string, resources: Resource[]): ServiceOutput {
  return GENERATORS[framework]({ name, resources });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const dir = args.find((arg) => !arg.startsWith('--'));
  const at = args.indexOf('--lines');
  if (!dir) {
    console.error('usage: generate-polyglot.ts DIR [--lines N]');
    process.exit(2);
  }
  const tree = generatePolyglotTree(dir, { lines: at >= 0 ? Number(args[at + 1]) : 1_000_000 });
  console.log(JSON.stringify(tree, null, 2));
}
