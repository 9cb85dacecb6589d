/** Public entry points of the radiation file I/O layer. */
export { readRadFile, type ReadOptions } from "./read-rad-file.ts";
export { writeN42_2012, type N42WriteOptions } from "./n42-writer.ts";
export { readRaddataUri } from "./raddata-uri.ts";
export { DEFAULT_MAX_XML_BYTES } from "./xml-tree.ts";
