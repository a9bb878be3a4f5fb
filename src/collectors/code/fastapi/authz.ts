import type { AuthzProvider } from '../plugin.js';

/**
 * FastAPI: the caller injected by a dependency (`Depends(get_current_user)`, the `CurrentUser` Annotated
 * alias), a database session dependency that is not the caller (`Depends(get_db)`), Starlette's
 * `request.path_params` / `query_params` ids.
 */
export const fastapiAuthz: AuthzProvider = {
  rejections: ['HTTPException'],
  identity: {
    family: 'python',
    callerParameter: [String.raw`Depends\((get_)?current_\w*user|Depends\(get_user|CurrentUser`],
    sessionParameter: [String.raw`Depends\(\s*get_(?:db|session|async_session|db_session)\b`],
    ids: [String.raw`\brequest\.(?:path_params|query_params)(?:\.get\(\s*|\[\s*)["'](?:id|pk|uuid|\w+_id)["']`],
  },
};
