'use client';
/**
 * Password strength with zxcvbn-ts (dictionary + pattern based estimates), loaded on demand so
 * its dictionaries (≈400 kB) never weigh on other pages.
 */
export interface StrengthResult {
  score: 0 | 1 | 2 | 3 | 4;
  warning: string | null;
  suggestions: string[];
  crackTime: string;
}

export const MIN_PASSWORD_LENGTH = 12;
export const MIN_SCORE = 3;

let loader: Promise<(pw: string, userInputs: string[]) => StrengthResult> | null = null;

export function loadStrengthChecker() {
  loader ??= (async () => {
    const [{ ZxcvbnFactory }, common, en] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
      import('@zxcvbn-ts/language-en'),
    ]);
    const zxcvbn = new ZxcvbnFactory({
      translations: en.translations,
      graphs: common.adjacencyGraphs,
      dictionary: { ...common.dictionary, ...en.dictionary },
    });
    return (pw: string, userInputs: string[]) => {
      const r = zxcvbn.check(pw, userInputs);
      return {
        score: r.score as StrengthResult['score'],
        warning: r.feedback.warning || null,
        suggestions: r.feedback.suggestions,
        crackTime: r.crackTimes.offlineSlowHashingXPerSecond.display,
      };
    };
  })();
  return loader;
}
