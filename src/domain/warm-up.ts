import { getDefaultScreener } from "../screening/index.ts";
import { findHs, locodeStore } from "../trade/index.ts";

/**
 * Loads the reference data (UN/LOCODE, HS, the screening lists and their index) before the server
 * listens: loading it lazily would stall every request for a second or more at the first ingest
 * or scoring run.
 */
export function warmReferenceData(): void {
  locodeStore();
  findHs("010121");
  getDefaultScreener();
}
