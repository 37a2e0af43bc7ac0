// Seconds a worker keeps the word list: the messenger drops it at once on this host (WORDS_CHANGED); other hosts
// follow within this time.
const WORDS_TTL = 10;

// How texts and words are compared: full-width and compatibility forms folded (NFKC), case ignored.
export function normalizeWord(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

// This worker's copy of the forbidden words (table `word`), loaded on first use and after each change.
export class WordFilter {
  private words?: Promise<string[]>;
  private loadedAt = 0;

  // The first forbidden word the text contains, as stored, or null; spaces inside the text do not hide a word.
  async check(text: string, load: () => Promise<string[]>): Promise<string | null> {
    const words = await this.list(load);
    if (!words.length) return null;
    const plain = normalizeWord(text);
    const compact = plain.replace(/\s+/gu, '');
    return words.find(word => {
      const wanted = normalizeWord(word);
      return plain.includes(wanted) || compact.includes(wanted.replace(/\s+/gu, ''));
    }) ?? null;
  }

  forget(): void {
    this.words = undefined;
  }

  private list(load: () => Promise<string[]>): Promise<string[]> {
    const now = Date.now();
    if (!this.words || now - this.loadedAt > WORDS_TTL * 1000) {
      const words = load();
      this.words = words;
      this.loadedAt = now;
      // A failed load is not kept.
      words.catch(() => {
        if (this.words === words) this.words = undefined;
      });
    }
    return this.words;
  }
}
