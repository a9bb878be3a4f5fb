import type { PhpCallSite } from '../php/sinks.js';
import type { PhpFileSink, PhpFilesProvider } from '../plugin.js';

/** Symfony's file responses: `new BinaryFileResponse($path)` and `AbstractController::file($path)` (`$this->file($path)`). */
function sink(call: PhpCallSite): PhpFileSink | undefined {
  if (call.kind === 'new') return call.name === 'BinaryFileResponse' ? { indexes: [0], written: `new ${call.name}`, disk: false } : undefined;
  if (call.kind === 'method' && call.name === 'file' && call.receiver?.text === '$this') return { indexes: [0], written: '$this->file', disk: false };
  return undefined;
}

export const symfonyFiles: PhpFilesProvider = {
  sink,
  // An `UploadedFile`'s guessed extension, size and MIME type: not the client's file name.
  safeNames: { methods: ['guessExtension', 'getSize', 'getMimeType'] },
};
