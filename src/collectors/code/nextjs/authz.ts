import type { AuthzProvider } from '../plugin.js';

/** Next.js: NextAuth's session readers (`getServerSession(`, `getSession(`, v5's `auth()`), ids in the handler context's `params`. */
export const nextAuthz: AuthzProvider = {
  identity: {
    family: 'js',
    caller: [String.raw`\b(?:auth\(\)|getServerSession\(|getSession\()`],
    ids: [String.raw`\bcontext\.params\b`],
  },
};
