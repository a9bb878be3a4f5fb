/**
 * Spring's resources that open the file a path names (`FileSystemResource`, `PathResource`, and `UrlResource`,
 * whose `file:` URLs name files), for path-traversal's Java and Kotlin readings (the plugin's `pathSinks`);
 * the JDK's file constructors, `Paths.get` and `Files` stay the check's.
 */
import type { PathSinkProvider } from '../plugin.js';

export const springPathSinks: PathSinkProvider = {
  constructors: ['FileSystemResource', 'PathResource'],
  urlConstructors: ['UrlResource'],
};
