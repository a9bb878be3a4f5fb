import type { DataAccessProvider } from '../plugin.js';

/** Django's ORM: a model's `objects` manager (`Post.objects.get(pk=…)`) and the shortcuts `get_object_or_404`, `get_list_or_404`. */
export const djangoDataAccess: DataAccessProvider = {
  receivers: ['objects'],
  managers: ['objects'],
  lookups: ['get_object_or_404', 'get_list_or_404'],
  singleResults: ['get_object_or_404'],
};
