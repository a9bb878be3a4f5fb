/* Partner API keys: only a SHA-256 digest of each key is kept, with what the key may do. */

/** @param pgm {import('node-pg-migrate').MigrationBuilder} */
exports.up = (pgm) => {
  pgm.createTable('partner_api_keys', {
    id: 'id',
    partner_id: { type: 'integer', notNull: true, references: 'partners', onDelete: 'CASCADE' },
    key_prefix: { type: 'varchar(16)', notNull: true },
    key_hash: { type: 'char(64)', notNull: true, unique: true },
    scopes: { type: 'text[]', notNull: true, default: pgm.func("'{}'") },
    environment: { type: 'varchar(8)', notNull: true, check: "environment IN ('live', 'test')" },
    created_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
    last_used_at: { type: 'timestamptz' },
    revoked_at: { type: 'timestamptz' },
  });
};

exports.down = (pgm) => {
  pgm.dropTable('partner_api_keys');
};
