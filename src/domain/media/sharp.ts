import type sharpType from "sharp";

let loaded: Promise<typeof sharpType> | undefined;

/** sharp (and libvips, ~30 MB resident) loads on the first image, not at start. */
export function loadSharp(): Promise<typeof sharpType> {
  loaded ??= import("sharp").then((m) => m.default);
  return loaded;
}
