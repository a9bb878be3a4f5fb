// Writes a large, deterministic code tree (FastAPI and Express services) for the benchmark.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const RESOURCES = ['users', 'orders', 'invoices', 'payments', 'products', 'carts', 'reviews', 'shipments', 'coupons', 'tenants'];

function fastapiModule(resource: string, index: number): string {
  return `from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy.orm import Session

from app.core.deps import get_current_user, get_db
from app.models import ${resource.slice(0, -1).replace(/^./, (c) => c.toUpperCase())}Model

router = APIRouter(prefix="/${resource}-${index}", tags=["${resource}"])


@router.get("/")
def list_${resource}(skip: int = 0, limit: int = 100, db: Session = Depends(get_db)):
    return db.query(${resource.slice(0, -1).replace(/^./, (c) => c.toUpperCase())}Model).offset(skip).limit(limit).all()


@router.get("/{item_id}")
def get_${resource}(item_id: int, db: Session = Depends(get_db), user=Depends(get_current_user)):
    item = db.get(${resource.slice(0, -1).replace(/^./, (c) => c.toUpperCase())}Model, item_id)
    if item is None:
        raise HTTPException(status_code=404)
    return item


@router.post("/")
def create_${resource}(payload: dict, db: Session = Depends(get_db), user=Depends(get_current_user)):
    item = ${resource.slice(0, -1).replace(/^./, (c) => c.toUpperCase())}Model(**payload)
    db.add(item)
    db.commit()
    return item


@router.delete("/{item_id}")
def delete_${resource}(item_id: int, db: Session = Depends(get_db)):
    db.query(${resource.slice(0, -1).replace(/^./, (c) => c.toUpperCase())}Model).filter_by(id=item_id).delete()
    db.commit()
    return {"ok": True}
`;
}

function expressModule(resource: string, index: number): string {
  return `const express = require('express');
const { requireAuth } = require('../middleware/auth');
const service = require('../services/${resource}');

const router = express.Router();

router.get('/', async (req, res) => {
  const items = await service.list({ page: Number(req.query.page) || 1, limit: Number(req.query.limit) || 20 });
  res.json(items);
});

router.get('/:id', requireAuth, async (req, res) => {
  const item = await service.findById(req.params.id);
  if (!item) return res.status(404).json({ error: 'not found' });
  res.json(item);
});

router.post('/', requireAuth, async (req, res) => {
  const created = await service.create(req.body);
  res.status(201).json(created);
});

router.put('/:id', requireAuth, async (req, res) => {
  const updated = await service.update(req.params.id, req.body);
  res.json(updated);
});

module.exports = router; // ${resource} ${index}
`;
}

export function generateCodeTree(root: string, options: { files: number }): { files: number; bytes: number } {
  let bytes = 0;
  let files = 0;
  const write = (relative: string, text: string): void => {
    const full = path.join(root, relative);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
    bytes += Buffer.byteLength(text);
    files += 1;
  };
  write('py/requirements.txt', 'fastapi==0.115.0\nsqlalchemy==2.0.35\n');
  write('js/package.json', JSON.stringify({ name: 'bench-js', dependencies: { express: '^4.19.2' } }, null, 2));
  const perSide = Math.floor(options.files / 2);
  const pyImports: string[] = [];
  const jsMounts: string[] = [];
  for (let index = 0; index < perSide; index += 1) {
    const resource = RESOURCES[index % RESOURCES.length] ?? 'items';
    write(`py/app/routers/${resource}_${index}.py`, fastapiModule(resource, index));
    pyImports.push(`from app.routers import ${resource}_${index}\napp.include_router(${resource}_${index}.router, prefix="/api/v1")`);
    write(`js/src/routes/${resource}-${index}.js`, expressModule(resource, index));
    jsMounts.push(`app.use('/api/v2/${resource}-${index}', require('./routes/${resource}-${index}'));`);
  }
  write('py/app/main.py', `from fastapi import FastAPI\n\napp = FastAPI()\n\n${pyImports.join('\n')}\n`);
  write('js/src/app.js', `const express = require('express');\n\nconst app = express();\napp.use(express.json());\n\n${jsMounts.join('\n')}\n\nmodule.exports = app;\n`);
  return { files, bytes };
}
