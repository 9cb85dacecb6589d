-- Each account reads the screens in its own language. The partner's staff work in Japanese; a new
-- account starts in its agency's language (Japan Customs: ja), and the user may switch in the header.
alter table app_user add column language text not null default 'en' check (language in ('en', 'ja'));
update app_user u set language = 'ja' from agency a where a.id = u.agency_id and a.country = 'JP';
grant select (language) on app_user to reciprocity_app;
