const crypto = require('node:crypto');
const pinoHttp = require('pino-http');

// Every log line of a request carries its id; callers may pass theirs in X-Request-Id.
module.exports = pinoHttp({
  genReqId(req, res) {
    const existing = req.headers['x-request-id'];
    const id = typeof existing === 'string' && /^[\w-]{8,64}$/.test(existing) ? existing : crypto.randomUUID();
    res.setHeader('X-Request-Id', id);
    return id;
  },
  redact: ['req.headers.authorization', 'req.headers.cookie'],
});
