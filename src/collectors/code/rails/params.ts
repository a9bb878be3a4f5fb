import type { RubyParamsProvider } from '../plugin.js';

/** Rails' strong parameters: `params.permit!` and `params.to_unsafe_h` hand every request value over as a plain hash. */
export const railsParams: RubyParamsProvider = {
  unsafe: ['permit!', 'to_unsafe_h', 'to_unsafe_hash'],
};
