// Assent loader: which of Assent's two languages a visitor sees, chosen before
// anything else loads so that a first visit's banner needs no WebAssembly. The one
// place the rule lives (the runtime is handed its answer). Precedence, first present
// wins: the visitor's own switch (remembered by the runtime in `assent.lang`, read
// here only), `data-lang` on the snippet, the browser's preferred languages in order,
// the page's `<html lang>`, then zh-CN. Any `zh` tag is zh-CN, any other tag en; an
// empty or blank tag is "not given". Reads only; writes nothing.

const ZH = 'zh-CN';

/** One of Assent's tags for a language tag, or null when none is given. */
export function fromTag(tag) {
  if (typeof tag !== 'string' || !tag.trim()) return null;
  return tag.trim().split(/[-_]/)[0].toLowerCase() === 'zh' ? ZH : 'en';
}

function remembered() {
  try {
    return JSON.parse(localStorage.getItem('assent.lang'));
  } catch {
    return null; // no storage, or not the JSON string the runtime writes
  }
}

/** The visitor's language, from the snippet's options and the page. */
export function chooseLanguage(options) {
  return fromTag(remembered()) || fromTag(options.lang)
    || (navigator.languages || []).map(fromTag).find(Boolean)
    || fromTag(document.documentElement.lang) || ZH;
}
