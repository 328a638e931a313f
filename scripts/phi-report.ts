import { languageTable, metricsTable, phiMetrics, readExamples } from "./phi-metrics.ts";

// Prints the privacy guard's recall per identifier type and its false block rate, for README.
for (const [name, file] of [
  ["tests/fixtures/phi-cases.jsonl (the examples the guard is tested on)", "../tests/fixtures/phi-cases.jsonl"],
  ["tests/fixtures/phi-holdout.jsonl (texts written after the detectors, never tuned on)", "../tests/fixtures/phi-holdout.jsonl"],
] as const) {
  console.log(`\n${name}\n`);
  console.log(metricsTable(phiMetrics(readExamples(new URL(file, import.meta.url)))));
}

for (const [name, file] of [
  [
    "tests/fixtures/phi-multilingual.jsonl (the network's other languages and other English-speaking systems, about half clean; every text tuned on)",
    "../tests/fixtures/phi-multilingual.jsonl",
  ],
  [
    "tests/fixtures/phi-multilingual-holdout.jsonl (written after the rules, never tuned on)",
    "../tests/fixtures/phi-multilingual-holdout.jsonl",
  ],
  [
    "tests/fixtures/phi-multilingual-holdout2.jsonl (154 texts in seven languages, written after the language detector; measured once before two fixes)",
    "../tests/fixtures/phi-multilingual-holdout2.jsonl",
  ],
] as const) {
  const examples = readExamples(new URL(file, import.meta.url));
  console.log(`\n${name}\n`);
  console.log(languageTable(examples));
  console.log("");
  console.log(metricsTable(phiMetrics(examples)));
}
