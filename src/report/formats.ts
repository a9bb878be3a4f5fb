import type { AuditResult } from '../engine/result.js';
import { renderHtml } from './html/index.js';
import { renderSarif } from './sarif.js';

/** The extra report formats `apisec audit --format NAME` may ask for, beside the Markdown and JSON. */
export const FORMAT_NAMES = ['sarif', 'html'] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

export interface RenderContext {
  /** The directory apisec ran from (paths in SARIF are relative to it when DIR is inside it). */
  cwd?: string;
}

export interface ReportFormat {
  /** The file written in `.metapowers/security/NAME/`. */
  fileName: string;
  /** Pure: the result (masked by the renderer itself) to the file's text. */
  render: (result: AuditResult, context: RenderContext) => string;
}

/** One line per format; a name in FORMAT_NAMES without an entry here is refused with a clear message. */
export const REPORT_FORMATS: Partial<Record<FormatName, ReportFormat>> = {
  sarif: { fileName: '02-protect.sarif', render: (result, context) => renderSarif(result, context.cwd === undefined ? {} : { srcRoot: context.cwd }) },
  html: { fileName: '02-protect.html', render: (result) => renderHtml(result) },
};

export function isFormatName(name: string): name is FormatName {
  return (FORMAT_NAMES as readonly string[]).includes(name);
}
