#!/usr/bin/env node
// codelists.js regenerates the code lists that come from outside data:
//
//   currency.csv  ISO 4217 list one, from the npm package currency-codes@2.2.0
//                 (iso-4217-list-one.xml, published 2024-06-25), without XTS
//                 (testing) and XXX (no currency), plus XCG, the Caribbean
//                 guilder that replaced ANG from 2025-03-31.
//   language.csv  ISO 639-2, from the npm package iso-639-2@3.0.2, without
//                 the local-use range qaa-qtz.
//
// Usage (from refdata/):
//   (cd /tmp && npm pack currency-codes@2.2.0 iso-639-2@3.0.2 &&
//    mkdir -p cc l && tar xzf currency-codes-2.2.0.tgz -C cc && tar xzf iso-639-2-3.0.2.tgz -C l)
//   node tools/codelists.js /tmp/cc/package /tmp/l/package codelists
"use strict";
const fs = require("fs");
const path = require("path");

const [ccDir, langDir, outDir] = process.argv.slice(2);
if (!ccDir || !langDir || !outDir) {
  console.error("usage: node codelists.js CURRENCY_CODES_DIR ISO_639_2_DIR OUT_DIR");
  process.exit(2);
}

function csvField(s) {
  return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}
function writeCSV(file, header, rows) {
  const text = [header, ...rows].map((r) => r.map(csvField).join(",")).join("\n") + "\n";
  fs.writeFileSync(path.join(outDir, file), text);
}
const unescapeXML = (s) =>
  s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");

// Currencies: one row per code (the XML has one entry per country).
const xml = fs.readFileSync(path.join(ccDir, "iso-4217-list-one.xml"), "utf8");
const currencies = new Map();
for (const m of xml.matchAll(/<CcyNtry>([\s\S]*?)<\/CcyNtry>/g)) {
  const e = m[1];
  const code = (e.match(/<Ccy>([A-Z]{3})<\/Ccy>/) || [])[1];
  if (!code || code === "XTS" || code === "XXX") continue;
  const name = unescapeXML(e.match(/<CcyNm[^>]*>([^<]*)<\/CcyNm>/)[1].trim());
  const fund = /<CcyNm IsFund="true"/.test(e);
  const numeric = e.match(/<CcyNbr>(\d{3})<\/CcyNbr>/)[1];
  let minor = e.match(/<CcyMnrUnts>([^<]*)<\/CcyMnrUnts>/)[1];
  if (minor === "N.A.") minor = "";
  const prev = currencies.get(code);
  if (prev && (prev[1] !== name || prev[2] !== numeric || prev[3] !== minor)) {
    throw new Error(`currency ${code} differs between entries`);
  }
  currencies.set(code, [code, name, numeric, minor, fund ? "1" : "0"]);
}
if (!currencies.has("XCG")) currencies.set("XCG", ["XCG", "Caribbean Guilder", "532", "2", "0"]);
writeCSV("currency.csv", ["code", "label", "numeric", "minor_units", "fund"],
  [...currencies.values()].sort((a, b) => a[0].localeCompare(b[0])));

// Languages.
import(path.resolve(langDir, "2.js")).then(({ iso6392 }) => {
  const rows = iso6392
    .filter((l) => /^[a-z]{3}$/.test(l.iso6392B))
    .map((l) => [l.iso6392B, l.name, l.iso6392T || "", l.iso6391 || ""]);
  rows.sort((a, b) => a[0].localeCompare(b[0]));
  writeCSV("language.csv", ["code", "label", "alpha3_t", "alpha2"], rows);
});
