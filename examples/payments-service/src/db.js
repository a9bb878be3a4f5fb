const { Pool } = require('pg');

const pool = new Pool({ connectionString: process.env.DATABASE_URL });

module.exports = {
  query: (text, params) => pool.query(text, params),
  findById: async (table, id) => (await pool.query(`SELECT * FROM ${table} WHERE id = $1`, [id])).rows[0],
  all: async (table) => (await pool.query(`SELECT * FROM ${table}`)).rows,
  insert: async (table, values) => {
    const keys = Object.keys(values);
    const sql = `INSERT INTO ${table} (${keys.join(',')}) VALUES (${keys.map((_, i) => `$${i + 1}`).join(',')}) RETURNING *`;
    return (await pool.query(sql, Object.values(values))).rows[0];
  },
  update: async (table, id, values) => {
    const keys = Object.keys(values);
    const sets = keys.map((key, i) => `${key} = $${i + 2}`).join(', ');
    return (await pool.query(`UPDATE ${table} SET ${sets} WHERE id = $1 RETURNING *`, [id, ...Object.values(values)])).rows[0];
  },
};
