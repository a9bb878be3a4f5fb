export { ApisecError, ArtifactWriteError, PrerequisiteError, UsageError } from './errors.js';
export type { ApisecErrorOptions } from './errors.js';
export { MAX_NAME_LENGTH, validateName } from './name.js';
export { SECURITY_DIR, artifactPaths, assertRealDirInside, displayPath, isInside } from './paths.js';
export type { ArtifactPaths } from './paths.js';
export {
  appendSkipLog,
  checkPrerequisite,
  fileExists,
  formatSkipLogEntry,
  maskArgv,
  prerequisiteMessage,
} from './prerequisite.js';
export type { PrerequisiteOptions, PrerequisiteOutcome, SkipLogEntry } from './prerequisite.js';
export { writeFileAtomic } from './atomic.js';
export { ensureArtifactDir, fileSystemError } from './safe-dir.js';
export type { AtomicWriteHooks } from './atomic.js';
