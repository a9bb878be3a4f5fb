import type { SourceFile } from '../../../engine/context.js';
import { parentOf } from '../../../parsing/tree-index.js';
import type { DebugModeProvider } from '../plugin.js';

/** A settings module: it sets what only Django's settings set. */
function isDjangoSettings(source: SourceFile): boolean {
  return /\b(INSTALLED_APPS|ROOT_URLCONF|ALLOWED_HOSTS|MIDDLEWARE)\s*=/.test(source.text);
}

/** Django: `DEBUG = True` at the top level of a settings module. */
export const djangoDebug: DebugModeProvider = {
  messages: { djangoDebug: '`DEBUG = True` is hard-coded in the Django settings.' },
  pythonAssignment(source, assignment, target) {
    if (target !== 'DEBUG' || parentOf(parentOf(assignment))?.type !== 'module' || !isDjangoSettings(source)) return undefined;
    return { source, node: assignment, messageId: 'djangoDebug' };
  },
};
