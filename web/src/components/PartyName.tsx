import { useT } from "../i18n/index.tsx";

/**
 * A party's name as filed (romanised on most manifests) with its name in its own script beside it
 * when the manifest gave one: KITAGAWA SHOJI CO., LTD. ｜ 北川商事株式会社.
 */
export function PartyName({ name, nativeName }: { name: string; nativeName: string | null | undefined }) {
  const t = useT();
  if (!nativeName) {
    return <>{name}</>;
  }
  return (
    <>
      {name}{" "}
      <span className="native-name" lang="ja" title={t("party.nativeName")} data-testid="native-name">
        {nativeName}
      </span>
    </>
  );
}
