/**
 * Parse speed of the workspace + parsing stages.
 *   npx tsx bench/parse-speed.ts          generates ~30 MB of Python, TypeScript and Go in a temp dir
 *   npx tsx bench/parse-speed.ts DIR      measures an existing tree
 * Add `--free` to delete each tree right after parsing (the audit keeps them all).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { SourceLanguage } from '../src/parsing/languages.js';
import { parseSync, prepareLanguages, type Tree } from '../src/parsing/parser.js';
import { discoverWorkspace } from '../src/workspace/discover.js';
import { readTextFile } from '../src/workspace/read.js';

const TARGET_BYTES_PER_LANGUAGE = 10 * 1024 * 1024;
const FILE_BYTES = 40 * 1024;

const words = ['user', 'order', 'invoice', 'payment', 'account', 'session', 'token', 'report', 'item', 'tenant', 'export', 'refund'];
const pick = (i: number, salt: number): string => words[(i * 7 + salt * 13) % words.length] ?? 'thing';

function pythonChunk(i: number): string {
  const a = pick(i, 1);
  const b = pick(i, 2);
  return `
class ${cap(a)}${i}Schema(BaseModel):
    id: int
    ${b}_name: str = Field(..., max_length=120)
    email: Optional[EmailStr] = None
    tags: list[str] = []


@router.get("/${a}s/{${a}_id}/${b}s", response_model=list[${cap(a)}${i}Schema], tags=["${a}"])
async def list_${a}_${b}s_${i}(
    ${a}_id: int,
    limit: int = Query(50, le=500),
    db: Session = Depends(get_db),
    current_user: User = Depends(get_current_user),
):
    """Return the ${b}s of one ${a}, newest first."""
    query = db.query(${cap(b)}).filter(${cap(b)}.${a}_id == ${a}_id)
    if current_user.role != "admin" and current_user.tenant_id != ${a}_id:
        raise HTTPException(status_code=403, detail="forbidden")
    rows = [row for row in query.order_by(${cap(b)}.created_at.desc()).limit(limit) if row.visible]
    total = sum(r.amount for r in rows if r.amount is not None) * 1.0 / max(len(rows), 1)
    logger.info("listed %d ${b}s for ${a} %s (avg %.2f)", len(rows), ${a}_id, total)
    return {"items": rows, "count": len(rows), "next": f"/${a}s/{${a}_id}/${b}s?offset={limit}"}


@router.post("/${a}s/{${a}_id}/${b}s", status_code=201)
async def create_${a}_${b}_${i}(${a}_id: int, body: ${cap(a)}${i}Schema, db: Session = Depends(get_db)):
    try:
        obj = ${cap(b)}(**body.dict(), ${a}_id=${a}_id)
        db.add(obj)
        db.commit()
    except IntegrityError as exc:  # duplicate
        db.rollback()
        raise HTTPException(status_code=409, detail=str(exc)) from exc
    return obj
`;
}

function typescriptChunk(i: number): string {
  const a = pick(i, 3);
  const b = pick(i, 4);
  return `
export interface ${cap(a)}${i}Dto {
  id: string;
  ${b}Name: string;
  amount?: number;
  tags: readonly string[];
}

const ${a}${i}Schema = z.object({ ${b}Name: z.string().max(120), amount: z.number().int().nonnegative().optional() });

router.get('/${a}s/:${a}Id/${b}s', requireAuth, rateLimit({ windowMs: 60_000, max: 100 }), async (req: Request, res: Response) => {
  const ${a}Id = req.params.${a}Id;
  const limit = Math.min(Number(req.query.limit ?? 50), 500);
  if (req.user?.tenantId !== ${a}Id && !req.user?.roles.includes('admin')) {
    return res.status(403).json({ error: 'forbidden' });
  }
  const rows = await db.${b}.findMany({ where: { ${a}Id }, orderBy: { createdAt: 'desc' }, take: limit });
  const total = rows.reduce((sum, row) => sum + (row.amount ?? 0), 0) / Math.max(rows.length, 1);
  logger.info(\`listed \${rows.length} ${b}s for ${a} \${${a}Id} (avg \${total.toFixed(2)})\`);
  return res.json({ items: rows.map((row): ${cap(a)}${i}Dto => ({ id: row.id, ${b}Name: row.name, tags: row.tags ?? [] })), count: rows.length });
});

export class ${cap(a)}${cap(b)}Service${i} {
  constructor(private readonly repo: Repository<${cap(a)}${i}Dto>, private readonly events?: EventEmitter) {}

  async create(input: unknown): Promise<${cap(a)}${i}Dto> {
    const parsed = ${a}${i}Schema.safeParse(input);
    if (!parsed.success) throw new ValidationError(parsed.error.issues.map((issue) => issue.message).join('; '));
    const saved = await this.repo.save({ id: randomUUID(), tags: [], ...parsed.data });
    this.events?.emit('${a}.${b}.created', saved);
    return saved;
  }
}
`;
}

function goChunk(i: number): string {
  const a = cap(pick(i, 1));
  const b = pick(i, 2);
  return `
type ${a}${i} struct {
	ID    int64  \`json:"id"\`
	Name  string \`json:"${b}_name" binding:"required,max=120"\`
	Email string \`json:"email,omitempty"\`
}

func (h *Handler) list${a}${i}(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		c.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"error": "bad id"})
		return
	}
	var rows []${a}${i}
	if err := h.db.Where("${b}_id = ? AND tenant_id = ?", id, c.GetInt64("tenant")).Limit(50).Find(&rows).Error; err != nil {
		c.AbortWithStatus(http.StatusInternalServerError)
		return
	}
	for i := range rows {
		rows[i].Email = strings.ToLower(rows[i].Email)
	}
	c.JSON(http.StatusOK, gin.H{"items": rows, "count": len(rows), "next": fmt.Sprintf("/${b}s/%d?offset=%d", id, 50)})
}

func register${a}${i}(rg *gin.RouterGroup, h *Handler) {
	g := rg.Group("/${b}s/${i}")
	g.GET("/:id", h.list${a}${i})
	g.POST("", func(c *gin.Context) {
		var body ${a}${i}
		if err := c.ShouldBindJSON(&body); err != nil {
			c.JSON(http.StatusUnprocessableEntity, gin.H{"error": err.Error()})
			return
		}
		c.JSON(http.StatusCreated, body)
	})
}
`;
}

function cap(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

async function generate(dir: string): Promise<void> {
  const kinds = [
    { ext: 'py', header: 'from typing import Optional\nfrom fastapi import APIRouter, Depends, HTTPException, Query\nfrom pydantic import BaseModel, EmailStr, Field\n\nrouter = APIRouter()\n', chunk: pythonChunk },
    { ext: 'ts', header: "import { Router, type Request, type Response } from 'express';\nimport { z } from 'zod';\nimport { randomUUID } from 'node:crypto';\n\nexport const router = Router();\n", chunk: typescriptChunk },
    { ext: 'go', header: 'package api\n\nimport (\n\t"fmt"\n\t"net/http"\n\t"strconv"\n\t"strings"\n\n\t"github.com/gin-gonic/gin"\n)\n', chunk: goChunk },
  ];
  for (const { ext, header, chunk } of kinds) {
    let written = 0;
    let counter = 0;
    for (let fileIndex = 0; written < TARGET_BYTES_PER_LANGUAGE; fileIndex++) {
      let text = header;
      while (text.length < FILE_BYTES) text += chunk(counter++);
      const folder = join(dir, ext, `pkg${Math.floor(fileIndex / 50)}`);
      await mkdir(folder, { recursive: true });
      await writeFile(join(folder, `module_${fileIndex}.${ext}`), text);
      written += Buffer.byteLength(text);
    }
  }
}

interface Tally {
  files: number;
  bytes: number;
  ms: number;
  withErrors: number;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const free = args.includes('--free');
  const given = args.find((arg) => !arg.startsWith('--'));
  const dir = given ?? (await mkdtemp(join(tmpdir(), 'apisec-bench-')));
  try {
    if (!given) await generate(dir);

    const start = performance.now();
    const { files } = await discoverWorkspace(dir);
    const discovered = performance.now();
    const sources = files.filter((file) => file.kind === 'source' && file.language !== undefined);
    const texts: { language: SourceLanguage; text: string }[] = [];
    for (const file of sources) {
      const read = await readTextFile(file);
      if ('text' in read && file.language) texts.push({ language: file.language, text: read.text });
    }
    const readDone = performance.now();
    for (const language of new Set(texts.map((entry) => entry.language))) await prepareLanguages([language]);

    const tallies = new Map<SourceLanguage, Tally>();
    const kept: Tree[] = [];
    for (const { language, text } of texts) {
      const before = performance.now();
      const tree = parseSync(language, text);
      const elapsed = performance.now() - before;
      const tally = tallies.get(language) ?? { files: 0, bytes: 0, ms: 0, withErrors: 0 };
      tally.files++;
      tally.bytes += Buffer.byteLength(text);
      tally.ms += elapsed;
      if (tree?.rootNode.hasError) tally.withErrors++;
      tallies.set(language, tally);
      if (tree) {
        if (free) tree.delete();
        else kept.push(tree);
      }
    }
    const end = performance.now();

    const mb = (bytes: number): number => bytes / (1024 * 1024);
    console.log(`directory: ${dir}${given ? '' : ' (generated)'}`);
    console.log(`node ${process.version}, trees ${free ? 'freed after each parse' : 'kept until the end (as in an audit)'}`);
    console.log('language     files      MB   parse s    MB/s  with errors');
    let totalBytes = 0;
    let totalMs = 0;
    for (const [language, tally] of [...tallies].sort(([a], [b]) => a.localeCompare(b))) {
      totalBytes += tally.bytes;
      totalMs += tally.ms;
      console.log(
        `${language.padEnd(10)} ${String(tally.files).padStart(7)} ${mb(tally.bytes).toFixed(1).padStart(7)} ${(tally.ms / 1000).toFixed(2).padStart(9)} ${(mb(tally.bytes) / (tally.ms / 1000)).toFixed(1).padStart(7)} ${String(tally.withErrors).padStart(12)}`,
    );
    }
    console.log(`${'all'.padEnd(10)} ${String(texts.length).padStart(7)} ${mb(totalBytes).toFixed(1).padStart(7)} ${(totalMs / 1000).toFixed(2).padStart(9)} ${(mb(totalBytes) / (totalMs / 1000)).toFixed(1).padStart(7)}`);
    console.log(
      `wall: discover ${((discovered - start) / 1000).toFixed(2)} s, read ${((readDone - discovered) / 1000).toFixed(2)} s, parse ${((end - readDone) / 1000).toFixed(2)} s (incl. grammar load)`,
    );
    console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
    for (const tree of kept) tree.delete();
  } finally {
    if (!given) await rm(dir, { recursive: true, force: true });
  }
}

await main();
