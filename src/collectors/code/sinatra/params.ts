import type { SourceFile } from '../../../engine/context.js';
import type { RubyParamsProvider } from '../plugin.js';

/** A Sinatra app's `params` is a plain hash of the request's values (nested ones included): no strong parameters. */
export const sinatraParams: RubyParamsProvider = {
  plain: (source: SourceFile): boolean => /\bSinatra::(Base|Application)\b|require\s+["']sinatra/.test(source.text),
  handlers: (source: SourceFile): boolean => /\bSinatra::Base/.test(source.text),
};
