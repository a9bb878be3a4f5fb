import type { SourceFile } from '../../../engine/context.js';
import type { RubyParamsProvider } from '../plugin.js';

/**
 * Rails' strong parameters: `params.permit!` and `params.to_unsafe_h` hand every request value over as a plain hash;
 * `permit!` allows every key and `permit(...)` the keys it lists; `config.action_controller.permit_all_parameters = true`
 * (in `config/`) turns strong parameters off for every controller. Handlers live in `app/controllers/` or extend `ActionController::`.
 * `request.raw_post` is the body's text.
 */
export const railsParams: RubyParamsProvider = {
  unsafe: ['permit!', 'to_unsafe_h', 'to_unsafe_hash'],
  handlers: (source: SourceFile): boolean => /(^|\/)app\/controllers\//.test(source.file) || /\bActionController::/.test(source.text),
  strong: {
    permitAll: ['permit!'],
    permit: ['permit'],
    allPermitted: (source: SourceFile): boolean => /(^|\/)config\//.test(source.file) && /permit_all_parameters\s*=\s*true/.test(source.text),
  },
  rawBody: ['raw_post'],
};
