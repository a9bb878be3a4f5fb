import type { Node } from 'web-tree-sitter';
import { ID_NAME } from '../../../analysis/code-authz.js';
import type { AuthzProvider } from '../plugin.js';

/** Nest: the caller injected by a parameter decorator (`@CurrentUser()`, `@User()`, `@Req()`), ids bound by `@Param('id')` (or an id-named `@Query`/`@Body` field). */
export const nestAuthz: AuthzProvider = {
  // `@SetMetadata('roles', …)` and the guards Nest's documentation names for roles and permissions.
  roles: { calls: ['SetMetadata'], words: ['RolesGuard', 'PermissionsGuard'] },
  identity: {
    family: 'js',
    callerParameter: [String.raw`@(CurrentUser|User|AuthUser|Req)\(`],
    idParameter: (parameter: Node): string | undefined => {
      if (!/^@(Param|Query|Body)\(\s*['"](\w+)['"]/.test(parameter.text)) return undefined;
      const name = parameter.childForFieldName('pattern')?.text;
      return name && (parameter.text.startsWith('@Param') || ID_NAME.test(name)) ? name : undefined;
    },
  },
};
