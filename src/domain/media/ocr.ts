import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** The languages whose text the guard reads in images (tesseract's codes; each ships as an npm package). */
export const OCR_LANGUAGES = ["eng", "fra", "deu", "spa", "ita", "por", "nld"] as const;
export type OcrLanguage = (typeof OCR_LANGUAGES)[number];

type Worker = { recognize(image: Buffer): Promise<{ data: { text: string } }>; terminate(): Promise<unknown> };

/** How long an idle reader keeps its models in memory (they take a few hundred MB). */
const IDLE_MS = 60_000;

/**
 * Text burned into an image (a scanned letter, a radiograph's header, a
 * wristband), read with tesseract.js from the traineddata packages installed
 * with the server: nothing is downloaded at run time.  The reader starts on
 * the first image, in its own worker thread (the event loop stays free), reads
 * one image at a time, and lets its models go after a minute without work.
 */
export class TextInImages {
  readonly #languages: readonly OcrLanguage[];
  readonly #modelDir: string;
  #worker: Promise<Worker> | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  #idle: NodeJS.Timeout | null = null;

  constructor(options: { languages: readonly OcrLanguage[]; dataDir: string }) {
    this.#languages = options.languages;
    this.#modelDir = join(options.dataDir, "ocr-models");
  }

  get enabled(): boolean {
    return this.#languages.length > 0;
  }

  /** One folder with every language's model (each package has its own): links, made once. */
  #models(): string {
    mkdirSync(this.#modelDir, { recursive: true });
    const require = createRequire(import.meta.url);
    for (const language of this.#languages) {
      const target = join(this.#modelDir, `${language}.traineddata.gz`);
      if (existsSync(target)) continue;
      const pkg = dirname(require.resolve(`@tesseract.js-data/${language}/package.json`));
      symlinkSync(join(pkg, "4.0.0_best_int", `${language}.traineddata.gz`), target);
    }
    return this.#modelDir;
  }

  #start(): Promise<Worker> {
    this.#worker ??= (async () => {
      const { createWorker } = await import("tesseract.js");
      return (await createWorker([...this.#languages], 1, {
        langPath: this.#models(),
        cacheMethod: "none",
        gzip: true,
        logger: () => {},
      })) as unknown as Worker;
    })();
    return this.#worker;
  }

  /** The text in the image (PNG or JPEG), as the reader sees it. */
  read(image: Buffer): Promise<string> {
    if (!this.enabled) return Promise.resolve("");
    const run = this.#queue.then(async () => {
      if (this.#idle) clearTimeout(this.#idle);
      try {
        const worker = await this.#start();
        return (await worker.recognize(image)).data.text;
      } finally {
        this.#idle = setTimeout(() => void this.close(), IDLE_MS);
        this.#idle.unref();
      }
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  async close(): Promise<void> {
    if (this.#idle) clearTimeout(this.#idle);
    const worker = this.#worker;
    this.#worker = null;
    if (worker) await (await worker.catch(() => null))?.terminate();
  }
}
