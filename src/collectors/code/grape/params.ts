import type { SourceFile } from '../../../engine/context.js';
import type { RubyParamsProvider } from '../plugin.js';

/** A Grape API (`Grape::API`) holds request handlers whose `params` a model write may take. */
export const grapeParams: RubyParamsProvider = {
  handlers: (source: SourceFile): boolean => /\bGrape::API/.test(source.text),
};
