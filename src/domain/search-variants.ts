import { toRomaji } from "wanakana";

// Party names are filed romanised (YAMATO SHOJI), so a search typed in kana is read the way the
// name would have been spelled: wanakana's modified Hepburn, and the same with long vowels written
// short (トウホク → touhoku → tohoku, ショウジ → shouji → shoji), the usual spelling on manifests.

const KANA_ONLY = /^[\u3041-\u3096\u309D\u309E\u30A1-\u30FA\u30FC-\u30FE\uFF66-\uFF9F\s・･]+$/u;

/** Long vowels as Hepburn without macrons writes them in company names. */
function shortVowels(romaji: string): string {
  return romaji.replace(/ou/g, "o").replace(/oo/g, "o").replace(/uu/g, "u").replace(/aa/g, "a").replace(/ee/g, "e");
}

/**
 * The lower-cased texts a free-text search looks for: the query itself (which finds names held in
 * Japanese script), its NFKC form, and for a query all in kana its romanisations, at most four in all.
 */
export function searchVariants(query: string): string[] {
  const text = query.trim().toLowerCase();
  // Half-width kana and full-width Latin (ｷﾀｶﾞﾜ, ＹＡＭＡＴＯ) are also read as their usual forms.
  const variants = [text, text.normalize("NFKC")];
  if (KANA_ONLY.test(text)) {
    const romaji = toRomaji(text.normalize("NFKC").replace(/[・･]/g, " ")).toLowerCase().replace(/\s+/g, " ");
    variants.push(romaji, shortVowels(romaji));
  }
  return [...new Set(variants)].filter((v) => v.length > 0);
}
