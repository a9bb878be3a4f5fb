import type { GoRequestProvider } from '../plugin.js';

/** echo's `echo.Context` (v3 and v4): parameter, form and cookie reads, `Bind`, and `c.Request()`. */
export const echoRequest: GoRequestProvider = {
  contextTypes: ['github.com/labstack/echo.Context', 'github.com/labstack/echo/v4.Context'],
  reads: ['QueryParam', 'QueryParams', 'QueryString', 'Param', 'FormValue', 'FormParams', 'Cookie'],
  binds: ['Bind'],
  httpRequest: 'method',
  writers: ['JSON', 'String', 'XML', 'HTML', 'JSONPretty', 'Blob', 'Render'],
  bodyWriters: { JSON: 1, JSONPretty: 1, JSONP: 2, XML: 1, XMLPretty: 1 },
  files: { File: 0, Attachment: 0, Inline: 0 },
  packages: ['github.com/labstack'],
  errors: ['github.com/labstack/echo.NewHTTPError', 'github.com/labstack/echo/v4.NewHTTPError'],
};
