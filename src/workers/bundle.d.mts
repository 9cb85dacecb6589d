/** The bundle of a TypeScript entry module as one plain ES module (see bundle.mjs). */
export function bundledModule(entry: URL): Promise<URL>;
