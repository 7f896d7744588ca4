/**
 * A 5-line block font for the countdown, so it reads from the back of a room. Only what a clock
 * needs: digits, the colon and a space.
 */

export const GLYPH_HEIGHT = 5;

// Drawn with "#" for legibility here; rendered as full blocks.
const GLYPHS: Record<string, string[]> = {
  "0": ["#####", "#   #", "#   #", "#   #", "#####"],
  "1": ["  #  ", " ##  ", "  #  ", "  #  ", " ### "],
  "2": ["#####", "    #", "#####", "#    ", "#####"],
  "3": ["#####", "    #", " ####", "    #", "#####"],
  "4": ["#   #", "#   #", "#####", "    #", "    #"],
  "5": ["#####", "#    ", "#####", "    #", "#####"],
  "6": ["#####", "#    ", "#####", "#   #", "#####"],
  "7": ["#####", "    #", "   # ", "  #  ", "  #  "],
  "8": ["#####", "#   #", "#####", "#   #", "#####"],
  "9": ["#####", "#   #", "#####", "    #", "#####"],
  ":": ["   ", " # ", "   ", " # ", "   "],
  " ": ["   ", "   ", "   ", "   ", "   "],
};

/**
 * `text` in block digits: GLYPH_HEIGHT lines of equal width. `scale` widens each cell (a terminal
 * cell is about twice as tall as it is wide, so 2 gives square-looking blocks).
 */
export function bigText(text: string, scale = 1): string[] {
  const glyphs = [...text].map((char) => {
    const glyph = GLYPHS[char];
    if (!glyph) throw new Error(`no big glyph for "${char}"`);
    return glyph;
  });
  const gap = " ".repeat(scale);
  return Array.from({ length: GLYPH_HEIGHT }, (_, row) =>
    glyphs
      .map((glyph) =>
        [...(glyph[row] ?? "")].map((cell) => (cell === "#" ? "█" : " ").repeat(scale)).join(""),
      )
      .join(gap),
  );
}

/** m:ss (or h:mm:ss), rounding up so 0:00 shows only when the time is really up. */
export function formatCountdown(ms: number): string {
  const totalSeconds = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const ss = String(seconds).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${ss}` : `${minutes}:${ss}`;
}

/** Elapsed time for labels: rounds down, m:ss or h:mm:ss. */
export function formatElapsed(ms: number): string {
  return formatCountdown(Math.floor(Math.max(0, ms) / 1000) * 1000);
}
