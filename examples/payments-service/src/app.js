const express = require('express');
const cors = require('cors');
const helmet = require('helmet');
const { API_PREFIX, INTERNAL_PREFIX } = require('./config/constants');
const { requireAuth } = require('./middleware/auth');
const requestLogger = require('./middleware/logging');
const auth = require('./routes/auth');
const bankLink = require('./routes/bank-link');
const payments = require('./routes/payments');
const merchants = require('./routes/merchants');
const admin = require('./routes/admin');
const webhooks = require('./routes/webhooks');

const app = express();
app.use(cors({ origin: true, credentials: true }));
app.use(express.json({ limit: '50mb' }));
app.use(requestLogger);
// Browsers that reached the API once over HTTPS never downgrade to HTTP for two years.
app.use(helmet.strictTransportSecurity({ maxAge: 63072000, includeSubDomains: true }));

app.get('/health', (req, res) => res.json({ status: 'ok' }));

app.use('/webhooks', webhooks);
app.use('/auth', auth);
app.use(`${API_PREFIX}/payments`, payments);
app.use(`${API_PREFIX}/merchants`, merchants);
app.use(`${API_PREFIX}/bank-link`, bankLink);
app.use(`${INTERNAL_PREFIX}/admin`, requireAuth, admin);

app.use((err, req, res, next) => {
  res.status(500).json({ error: err.message, stack: err.stack });
});

module.exports = app;
