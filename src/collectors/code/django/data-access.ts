import type { DataAccessProvider } from '../plugin.js';

/** Django's ORM: a model's `objects` manager (`Post.objects.get(pk=…)`, `Post.objects.filter(…).update(**fields)`, `get_or_create`, `bulk_create`) and the shortcuts `get_object_or_404`, `get_list_or_404`. */
export const djangoDataAccess: DataAccessProvider = {
  receivers: ['objects'],
  managers: ['objects'],
  lookups: ['get_object_or_404', 'get_list_or_404'],
  singleResults: ['get_object_or_404'],
  fieldWrites: { python: ['get_or_create', 'update_or_create', 'bulk_create'] },
  modelReceivers: [/^(\w+)\.objects\b/],
  queries: [String.raw`\.filter`, 'objects'],
  loaders: ['get_object_or_404'],
  projections: [String.raw`\.only\(`, String.raw`\.values\(`, String.raw`\.defer\(`],
  modelLoaders: ['get_object_or_404'],
  filterLookups: { python: ['aget', 'afilter', 'get_object_or_404', 'aget_object_or_404'] },
  lookupReceivers: [String.raw`\.objects\b`],
};
