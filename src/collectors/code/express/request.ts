import type { RequestSourceProvider } from '../plugin.js';

/** Express: `req.signedCookies`, `req.originalUrl`, `req.get(…)`/`req.header(…)`, and the uploads multer and express-fileupload put on `req.file(s)`; `res.sendFile(path)` / `res.download(path)` send a file. */
export const expressRequest: RequestSourceProvider = {
  family: 'js',
  attributes: { signedCookies: true, originalUrl: true, get: true, header: true, files: false, file: false },
  fileResponses: { methods: ['sendFile', 'download'], receivers: ['res', 'response'] },
};
