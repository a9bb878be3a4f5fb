import { LineCounter, isMap, isScalar, parseDocument } from 'yaml';
import type { ConfigSecret, RubySigningKeyProvider } from '../plugin.js';

const SECRET_KEY = /(^|_)(secret|secret_key_base|key_base|signing_key|hmac_key|jwt_key|jwt_secret|private_key|api_secret)$|secret/i;
const PLACEHOLDER = /^$|your|change.?me|replace|placeholder|example|sample|dummy|<[^>]*>|^x{3,}$|^\*+$|todo|fixme/i;

/**
 * Secrets written as literals in Rails `config/secrets.yml` under `production:` (Rails reads
 * `secret_key_base` from it before credentials), and in a plaintext `config/credentials*.yml`
 * committed beside (or instead of) the encrypted `.yml.enc`. ERB (`<%= ENV["SECRET_KEY_BASE"] %>`),
 * the `development:`/`test:` sections and placeholders are not reported.
 */
function committedSecrets(infra: readonly { file: string; kind: string; text: string }[]): ConfigSecret[] {
  const out: ConfigSecret[] = [];
  for (const file of infra) {
    if (file.kind !== 'rails-config' || /(^|\/)(spec|test)\//.test(file.file)) continue;
    const counter = new LineCounter();
    // ERB tags make the YAML invalid in places; each `<%= … %>` value is code, not a literal.
    const doc = parseDocument(file.text.replace(/<%=?[\s\S]*?%>/g, (erb) => `"${'\u0000'.repeat(Math.max(1, erb.length - 2))}"`), { lineCounter: counter, uniqueKeys: false });
    const root = doc.contents;
    if (!isMap(root)) continue;
    const credentials = /(^|\/)config\/credentials/.test(file.file);
    const sections: { prefix: string; node: unknown }[] = credentials
      ? [{ prefix: '', node: root }]
      : root.items.filter((item) => isScalar(item.key) && /^(production|staging)$/.test(String(item.key.value))).map((item) => ({ prefix: `${String((item.key as { value: unknown }).value)}.`, node: item.value }));
    for (const section of sections) {
      if (!isMap(section.node)) continue;
      for (const item of section.node.items) {
        if (!isScalar(item.key) || !isScalar(item.value)) continue;
        const key = String(item.key.value);
        const value = item.value.value;
        if (typeof value !== 'string' || !SECRET_KEY.test(key) || value.includes('\u0000') || PLACEHOLDER.test(value.trim())) continue;
        const offset = item.value.range?.[0] ?? 0;
        out.push({ file: file.file, line: counter.linePos(offset).line, name: `${section.prefix}${key}`, value });
      }
    }
  }
  return out;
}

/**
 * Rails: `config.secret_key_base = "…"` (or `Rails.application.secret_key_base = …`) signs the session cookie and every
 * message verifier; `config/environments/development.rb` and `test.rb` are local configuration; `config/secrets.yml`
 * and a plaintext `config/credentials*.yml` are read for committed literals.
 */
export const railsSigningKeys: RubySigningKeyProvider = {
  settings: { assigned: /(^|\.)secret_key_base$/, mention: /secret_key_base\s*=/ },
  localConfig: /(^|\/)config\/environments\/(development|test)\.rb$/,
  committedSecrets,
};
