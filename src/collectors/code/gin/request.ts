import type { GoRequestProvider } from '../plugin.js';

/** gin's `*gin.Context`: query, path, form, header and cookie reads, the `Bind…`/`ShouldBind…` family, and `c.Request`. */
export const ginRequest: GoRequestProvider = {
  contextTypes: ['github.com/gin-gonic/gin.Context'],
  reads: ['Query', 'DefaultQuery', 'GetQuery', 'QueryArray', 'QueryMap', 'Param', 'PostForm', 'DefaultPostForm', 'GetPostForm', 'PostFormArray', 'GetHeader', 'Cookie', 'FullPath', 'GetRawData'],
  binds: ['Bind', 'BindJSON', 'BindQuery', 'BindUri', 'BindXML', 'BindYAML', 'BindHeader', 'ShouldBind', 'ShouldBindJSON', 'ShouldBindQuery', 'ShouldBindUri', 'ShouldBindXML', 'ShouldBindYAML', 'ShouldBindWith', 'ShouldBindBodyWith', 'MustBindWith', 'ShouldBindHeader'],
  httpRequest: 'field',
  bodyWriters: { JSON: 1, IndentedJSON: 1, PureJSON: 1, SecureJSON: 1, AsciiJSON: 1, JSONP: 1, XML: 1, YAML: 1, TOML: 1 },
  files: { File: 0, FileAttachment: 0, SaveUploadedFile: 1 },
  headerWriters: ['Header'],
  headerReads: ['GetHeader'],
  packages: ['github.com/gin-gonic'],
  writers: ['JSON', 'String', 'AbortWithStatusJSON', 'IndentedJSON', 'PureJSON', 'SecureJSON', 'XML', 'YAML', 'HTML', 'Render'],
};
