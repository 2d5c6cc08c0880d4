export { CatalogImporter, type ImportReport, type ImportResult, importRecords } from './catalog-import.js';
export { type ColumnSet, detectColumnSet } from './columns.js';
export {
  type ImportIntoStoreOptions,
  type ImportProgress,
  importCatalogIntoStore,
} from './import-into-store.js';
export { type CatalogSource, openCatalogSource, parseCsvText } from './read-source.js';
export { importRowSchema } from './row-schema.js';
