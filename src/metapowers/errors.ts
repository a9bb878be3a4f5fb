export interface ApisecErrorOptions {
  cause?: unknown;
  /** What apisec was doing, e.g. "auditing \"payments\"". */
  attempted?: string;
  /** The file, directory or value involved. */
  where?: string;
  /** What the user can do next: a sentence. */
  hint?: string;
}

/** Base of the errors apisec expects and explains; anything else is a bug. */
export class ApisecError extends Error {
  override name = 'ApisecError';
  readonly attempted: string | undefined;
  readonly where: string | undefined;
  readonly hint: string | undefined;

  constructor(message: string, options: ApisecErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.attempted = options.attempted;
    this.where = options.where;
    this.hint = options.hint;
  }
}

/** The command line or one of its values is wrong (exit code 2). */
export class UsageError extends ApisecError {
  override name = 'UsageError';
}

/** A seed prerequisite is not met; the message is the seed's own text (exit code 2). */
export class PrerequisiteError extends ApisecError {
  override name = 'PrerequisiteError';
}

/** An artifact could not be written. */
export class ArtifactWriteError extends ApisecError {
  override name = 'ArtifactWriteError';
}
