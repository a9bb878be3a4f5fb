import type { RequestSourceProvider } from '../plugin.js';

/** Flask (and Quart, on Werkzeug's request): `request.args`, `form`, `values`, `files`, `json`, `get_json()`, `get_data()`, `view_args`, `stream`, `query_string`; `send_file(path)` sends a file. */
export const flaskRequest: RequestSourceProvider = {
  family: 'python',
  traced: { attributes: ['args', 'form', 'values', 'json', 'get_json', 'files', 'data'], expressions: [String.raw`flask\.request\.`] },
  attributes: { args: true, form: true, json: false, values: true, files: true, get_json: false, get_data: true, view_args: true, stream: true, query_string: true },
  modules: ['flask', 'quart', 'werkzeug'],
  bodies: [String.raw`(await\s+)?request\.(json|get_json\(\S*\)|form)`, String.raw`request\.get_json\(.*\)`],
  presented: { attributes: ['args', 'form', 'json', 'values', 'get_json'] },
  fileResponses: { callables: ['flask.send_file', 'send_file'] },
  query: { queries: [String.raw`(request|self\.request)\.(args|values)`] },
};
