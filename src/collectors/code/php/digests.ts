/** PHP's fast message digests by their `hash()` / `hash_algos()` names (`md5`, `sha256`, `sha512/256`, `xxh3` …): no password store. */
export const FAST_HASHES = /^(md2|md4|md5|sha1|sha224|sha256|sha384|sha512(\/2\d\d)?|sha3-\d+|ripemd\d+|whirlpool|tiger\d+,\d|crc32b?|fnv\w+|xxh\w+|murmur\w+)$/i;
