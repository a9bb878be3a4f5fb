import type { PolicyEvidence, RoleEvidence } from '../plugin.js';

/**
 * DRF's permission plumbing that names no role: `permission_classes` itself, `DEFAULT_PERMISSION_CLASSES`,
 * the `rest_framework.permissions.` prefix and `IsAuthenticated…` / `AllowAny`. Removed from a guard's text
 * before it is read for role words, so `permission_classes = [IsAuthenticated]` is no role check.
 */
/**
 * Django's role checks (`@permission_required`, `@staff_member_required`, `@user_passes_test`, DRF's
 * `IsAdminUser`, `user.has_perm(…)`) and object-access calls (DRF's `check_object_permissions` /
 * `has_object_permission`, django-guardian's `get_objects_for_user`).
 */
export const DJANGO_ROLES: RoleEvidence = {
  calls: ['permission_required', 'staff_member_required', 'user_passes_test'],
  words: ['IsAdminUser', 'has_perm', 'staff_member_required', 'user_passes_test'],
  conditions: ['has_perm'],
};

export const DJANGO_POLICY: PolicyEvidence = {
  calls: ['check_object_permissions', 'has_object_permission', 'get_object_for_user', 'get_objects_for_user'],
};

export const DRF_PERMISSION_PLUMBING = /permission_classes|DEFAULT_PERMISSION_CLASSES|\b(rest_framework\.)?permissions\.(?=\w)|\bpermissions\.(IsAuthenticated\w*|AllowAny)/gi;
