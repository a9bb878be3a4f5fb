import type { GoRequestProvider } from '../plugin.js';

/** fiber's `*fiber.Ctx` (v1 to v3): query, path, form, header, body and cookie reads and the `…Parser` binders. */
export const fiberRequest: GoRequestProvider = {
  contextTypes: ['github.com/gofiber/fiber.Ctx', 'github.com/gofiber/fiber/v2.Ctx', 'github.com/gofiber/fiber/v3.Ctx'],
  reads: ['Query', 'Params', 'FormValue', 'Get', 'Body', 'BodyRaw', 'Cookies', 'OriginalURL', 'Path', 'Queries', 'AllParams'],
  binds: ['BodyParser', 'QueryParser', 'ParamsParser', 'ReqHeaderParser', 'Bind'],
  statusBody: ['JSON', 'SendString', 'Send', 'XML'],
  bodyWriters: { JSON: 0, JSONP: 0, XML: 0 },
  files: { SendFile: 0, Download: 0, SaveFile: 1 },
  headerWriters: ['Set', 'Append'],
  headerReads: ['Get'],
  packages: ['github.com/gofiber'],
  errors: ['github.com/gofiber/fiber.NewError', 'github.com/gofiber/fiber/v2.NewError', 'github.com/gofiber/fiber/v3.NewError'],
};
