import { metricsTable, phiMetrics, readExamples } from "./phi-metrics.ts";

// Prints the privacy guard's recall per identifier type and its false block rate, for README.
for (const [name, file] of [
  ["tests/fixtures/phi-cases.jsonl (the examples the guard is tested on)", "../tests/fixtures/phi-cases.jsonl"],
  ["tests/fixtures/phi-holdout.jsonl (texts written after the detectors, never tuned on)", "../tests/fixtures/phi-holdout.jsonl"],
] as const) {
  console.log(`\n${name}\n`);
  console.log(metricsTable(phiMetrics(readExamples(new URL(file, import.meta.url)))));
}
