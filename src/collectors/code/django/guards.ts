/**
 * DRF's permission plumbing that names no role: `permission_classes` itself, `DEFAULT_PERMISSION_CLASSES`,
 * the `rest_framework.permissions.` prefix and `IsAuthenticated…` / `AllowAny`. Removed from a guard's text
 * before it is read for role words, so `permission_classes = [IsAuthenticated]` is no role check.
 */
export const DRF_PERMISSION_PLUMBING = /permission_classes|DEFAULT_PERMISSION_CLASSES|\b(rest_framework\.)?permissions\.(?=\w)|\bpermissions\.(IsAuthenticated\w*|AllowAny)/gi;
