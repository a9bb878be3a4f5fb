import type { Tree } from 'web-tree-sitter';

/**
 * A per-file time budget for the analysis of source files.
 *
 * Every stage works file by file inside its loops, so the time between two calls of `charge()` is
 * spent on the file of the earlier call. Shared helpers (parent links, node lists, call sites,
 * bindings, taint) charge the file they work on; once a file has used its budget they answer as if
 * it were empty, so every stage moves on quickly, and the audit drops what was found in that file
 * and says so. The budget is cooperative: no worker, no interruption of code that never charges.
 */
export const DEFAULT_FILE_BUDGET_MS = 15_000;

interface FileClock {
  file: string;
  spentMs: number;
  limitMs: number;
  exhausted: boolean;
}

const clocks = new WeakMap<Tree, FileClock>();
let current: FileClock | undefined;
let since = 0;
let ticks = 0;
let now: () => number = () => performance.now();

/** Replaces the clock (tests); without an argument, restores `performance.now`. */
export function setBudgetClock(clock?: () => number): void {
  now = clock ?? (() => performance.now());
}

/** The budget of one audit's files. */
export class FileBudget {
  readonly limitMs: number;
  private readonly files: FileClock[] = [];
  private readonly byFile = new Map<string, FileClock>();

  /** A budget of 0 or less (or not finite) turns budgeting off. */
  constructor(perFileMs: number = DEFAULT_FILE_BUDGET_MS) {
    this.limitMs = perFileMs > 0 ? perFileMs : Number.POSITIVE_INFINITY;
  }

  /** Registers a parsed file; `spentMs` is what parsing it already cost. A file parsed again keeps its clock. */
  register(tree: Tree, file: string, spentMs = 0): void {
    const known = this.byFile.get(file);
    if (known) {
      known.spentMs += spentMs;
      known.exhausted ||= known.spentMs > known.limitMs;
      clocks.set(tree, known);
      return;
    }
    const clock = { file, spentMs, limitMs: this.limitMs, exhausted: spentMs > this.limitMs };
    clocks.set(tree, clock);
    this.files.push(clock);
    this.byFile.set(file, clock);
  }

  /** What the files have used so far; the function it returns sets them back to it (work whose result was dropped). */
  snapshot(): () => void {
    pauseBudget();
    const saved = this.files.map((clock) => [clock, clock.spentMs, clock.exhausted] as const);
    return () => {
      pauseBudget();
      for (const [clock, spentMs, exhausted] of saved) {
        clock.spentMs = spentMs;
        clock.exhausted = exhausted;
      }
    };
  }

  /** Files that used their budget, in the order they were registered, with the time they used. */
  exhausted(): { file: string; spentMs: number }[] {
    pauseBudget();
    return this.files.filter((clock) => clock.exhausted).map(({ file, spentMs }) => ({ file, spentMs }));
  }
}

/**
 * Charges the time since the previous charge to the file that was being worked on, and switches
 * to `tree`'s file. True when `tree`'s file has used its budget: the caller answers "nothing".
 */
export function charge(tree: Tree): boolean {
  const clock = clocks.get(tree);
  if (!clock) return false;
  if (clock !== current) {
    const at = now();
    if (current) settle(current, at);
    current = clock;
    since = at;
  } else if ((++ticks & 1023) === 0) {
    const at = now();
    settle(clock, at);
    since = at;
  }
  return clock.exhausted;
}

function settle(clock: FileClock, at: number): void {
  clock.spentMs += at - since;
  if (clock.spentMs > clock.limitMs) clock.exhausted = true;
}

/** Whether a file has used its budget (without charging it). */
export function overBudget(tree: Tree): boolean {
  return clocks.get(tree)?.exhausted === true;
}

/** Ends the current stretch of work: time until the next charge belongs to no file. */
export function pauseBudget(): void {
  if (current) settle(current, now());
  current = undefined;
}
