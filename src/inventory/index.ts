export { buildInventory, type InventoryInput, type InventoryResult } from './build.js';
export { displayPath, normalisePath, pathVersion } from './paths.js';
export {
  audienceOf,
  classifyApiType,
  classifyTier,
  detectVersioning,
  maxTier,
  purposeOf,
  tierOfName,
  tierRank,
  typeFromMarker,
  typeFromPath,
  typeFromServer,
  type NamedField,
  type TierVerdict,
  type TypeSignals,
  type TypeVerdict,
  type VersionSignals,
} from './classify.js';
